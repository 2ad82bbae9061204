"""The normalise stage: each capture of a run becomes a version, `unchanged`, or an outcome
saying why not (docs/architecture.md, "Capture outcomes").

Captures are taken in batches, each committed on its own; a capture with an outcome is never
looked at again, so a re-run or a resumed run writes nothing twice. The run's counts are
tallied from the stored outcomes, so they are the same however often the stage ran.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from pipeline.judge import DATE_PROBLEM, USABLE, judge
from pipeline.reprocess import reprocess_site
from pipeline.stagerun import NormaliseResult, run_for_site
from scrapers.sitefile import Site
from storage.blobs import get_blob
from storage.captures import set_outcome
from storage.db import transaction
from storage.models import Capture, Run
from storage.runs import set_stage_counts
from storage.versions import Unchanged, VersionAdded, add_version

BATCH = 200
STAGE = "normalise"


def normalise_capture(session: Session, capture: Capture, site: Site) -> str:
    """Judge one capture, add a version when its content is new; returns the outcome."""
    raw = get_blob(session, capture.blob_sha256) if capture.blob_sha256 else None
    judgement = judge(capture, raw, site)
    if judgement.outcome != USABLE or judgement.content is None:
        set_outcome(capture, judgement.outcome, judgement.reason)
        return judgement.outcome
    added = add_version(
        session, capture.edition_id, judgement.content, capture.id, observed_at=capture.fetched_at
    )
    outcome = "version" if _made_by(added, capture) else "unchanged"
    set_outcome(capture, outcome, judgement.reason)
    return outcome


def _made_by(added: VersionAdded | Unchanged, capture: Capture) -> bool:
    """Whether `capture` made the edition's version. A second normaliser of the same run that
    judged the capture while the first was writing finds its version already there."""
    if isinstance(added, VersionAdded):
        return True
    return added.current.capture_id == capture.id


def _pending(session: Session, run_id: int) -> list[Capture]:
    query = (
        select(Capture)
        .where(Capture.run_id == run_id, Capture.outcome.is_(None))
        .order_by(Capture.fetched_at, Capture.id)
        .limit(BATCH)
    )
    return list(session.scalars(query))


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
    processed = 0
    while True:
        with transaction(engine) as session:
            batch = _pending(session, run_id)
            for capture in batch:
                normalise_capture(session, capture, site)
        processed += len(batch)
        if len(batch) < BATCH:
            break
    with transaction(engine) as session:
        run = session.get(Run, run_id)
        result = tally(session, run, processed)
        if run.counts.get(STAGE) != result.counts():
            set_stage_counts(run, STAGE, result.counts())
    return result
