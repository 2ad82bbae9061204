"""The normalise stage: each capture of a run becomes a version, `unchanged`, or an outcome
saying why not (docs/architecture.md, "Capture outcomes").

Captures are taken in batches, each committed on its own; a capture with an outcome is never
looked at again, so a re-run or a resumed run writes nothing twice. The run's counts are
tallied from the stored outcomes, so they are the same however often the stage ran.
"""

from __future__ import annotations

import zlib
from collections import Counter

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, selectinload

from pipeline.judge import DATE_PROBLEM, USABLE, Judgement, judge
from pipeline.reprocess import reprocess_site
from pipeline.stagerun import NormaliseResult, run_for_site
from scrapers.sitefile import Site
from storage.captures import set_outcome
from storage.db import transaction
from storage.models import Blob, Capture, Run
from storage.runs import set_stage_counts
from storage.versions import NewContent, Unchanged, VersionAdded, add_versions

BATCH = 200
STAGE = "normalise"


def _raw_bodies(session: Session, captures: list[Capture]) -> dict[str, bytes]:
    """The decompressed bodies of the captures, read in one query."""
    keys = sorted({c.blob_sha256 for c in captures if c.blob_sha256})
    if not keys:
        return {}
    rows = session.execute(
        select(Blob.sha256, Blob.encoding, Blob.data).where(Blob.sha256.in_(keys))
    ).all()
    bodies = {}
    for key, encoding, data in rows:
        if encoding != "zlib":
            raise ValueError(f"blob {key} has unknown encoding {encoding!r}")
        bodies[key] = zlib.decompress(data)
    missing = set(keys) - bodies.keys()
    if missing:
        raise LookupError(f"no blob {min(missing)}")
    return bodies


def _made_by(added: VersionAdded | Unchanged, capture: Capture) -> bool:
    """Whether `capture` made the edition's version. A second normaliser of the same run that
    judged the capture while the first was writing finds its version already there."""
    if isinstance(added, VersionAdded):
        return True
    return added.current.capture_id == capture.id


def normalise_batch(
    session: Session, site: Site, captures: list[Capture], skip_locked: bool = False
) -> list[Capture]:
    """Judge the captures and add their new versions in a few statements; returns the
    captures given an outcome. With `skip_locked`, those whose edition another transaction
    holds stay pending (see storage.versions.add_versions)."""
    bodies = _raw_bodies(session, captures)
    usable: list[tuple[Capture, Judgement]] = []
    done = []
    for capture in captures:
        judgement = judge(capture, bodies.get(capture.blob_sha256 or ""), site)
        if judgement.outcome == USABLE and judgement.content is not None:
            usable.append((capture, judgement))
        else:
            set_outcome(capture, judgement.outcome, judgement.reason)
            done.append(capture)
    items = [NewContent(c.edition_id, j.content, c.id, c.fetched_at)  # type: ignore[arg-type]
             for c, j in usable]
    for (capture, judgement), added in zip(usable, add_versions(session, items, skip_locked),
                                           strict=True):
        if added is not None:
            outcome = "version" if _made_by(added, capture) else "unchanged"
            set_outcome(capture, outcome, judgement.reason)
            done.append(capture)
    return done


def _pending(session: Session, run_id: int, skipped: set[int]) -> list[Capture]:
    query = (
        select(Capture)
        .where(Capture.run_id == run_id, Capture.outcome.is_(None))
        .order_by(Capture.fetched_at, Capture.id)
        .limit(BATCH)
        .options(selectinload(Capture.edition))
    )
    if skipped:
        query = query.where(Capture.id.not_in(sorted(skipped)))
    return list(session.scalars(query))


def normalise_pending(engine: Engine, site: Site, run_id: int, skip_locked: bool = False) -> int:
    """Normalise the run's pending captures in batches, each committed on its own; returns how
    many got an outcome. With `skip_locked`, captures of editions locked elsewhere (by a crawl
    still writing, say) are left pending for a later call."""
    processed = 0
    skipped: set[int] = set()
    while True:
        with transaction(engine) as session:
            batch = _pending(session, run_id, skipped)
            done = normalise_batch(session, site, batch, skip_locked)
        processed += len(done)
        skipped.update({c.id for c in batch} - {c.id for c in done})
        if len(batch) < BATCH:
            return processed


def tally(session: Session, run: Run, processed: int = 0) -> NormaliseResult:
    rows = session.execute(
        select(Capture.outcome, Capture.outcome_reason, func.count())
        .where(Capture.run_id == run.id, Capture.outcome.is_not(None))
        .group_by(Capture.outcome, Capture.outcome_reason)
    ).all()
    outcomes: Counter[str] = Counter()
    unusable: Counter[str] = Counter()
    gone: Counter[str] = Counter()
    dates = 0
    for outcome, reason, count in rows:
        outcomes[outcome] += count
        if outcome == "unusable":
            unusable[reason or "unknown"] += count
        elif outcome == "gone":
            gone[reason or "unknown"] += count
        elif reason and reason.startswith(DATE_PROBLEM):
            dates += count
    return NormaliseResult(
        run_key=run.key,
        processed=processed,
        versions=outcomes["version"],
        unchanged=outcomes["unchanged"],
        not_modified=outcomes["not_modified"],
        gone=outcomes["gone"],
        errors=outcomes["error"],
        unusable=dict(unusable),
        gone_by_reason=dict(gone),
        dates_unparsed=dates,
    )


def normalise(
    engine: Engine, site: Site, run_key: str, *, reprocess: bool = False
) -> NormaliseResult:
    """Normalise every capture of the run not yet seen; with `reprocess`, re-derive the
    versions of every edition of the site instead (see pipeline.reprocess)."""
    if reprocess:
        return reprocess_site(engine, site, run_key)
    with transaction(engine) as session:
        run_id = run_for_site(session, run_key, site).id
    processed = normalise_pending(engine, site, run_id)
    return finish(engine, run_id, processed)


def finish(engine: Engine, run_id: int, processed: int) -> NormaliseResult:
    """Tally the run's outcomes and store them as the stage's counts."""
    with transaction(engine) as session:
        run = session.get(Run, run_id)
        result = tally(session, run, processed)
        if run.counts.get(STAGE) != result.counts():
            set_stage_counts(run, STAGE, result.counts())
    return result
