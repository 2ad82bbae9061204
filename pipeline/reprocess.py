"""Re-derive every edition's content from its stored raw captures, after an extractor fix.

For each edition of the site, the newest capture that reads as the statement is extracted
again; when its canonical content differs from the edition's current version, a version
flagged `rebuilt` is added. Rebuilt versions never become changes, so they raise no alert.
A second reprocess finds every edition up to date and writes nothing.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pipeline.judge import USABLE, judge
from pipeline.stagerun import NormaliseResult
from scrapers.sitefile import Site
from storage.blobs import get_blob
from storage.db import transaction
from storage.models import Capture, Edition, Run, Statement
from storage.runs import open_run, set_stage_counts
from storage.versions import VersionAdded, VersionContent, add_version

STAGE = "reprocess"
BATCH = 100


def newest_usable(
    session: Session, edition: Edition, site: Site
) -> tuple[Capture, VersionContent] | str:
    """The newest capture of `edition` that is the statement, with its content; otherwise the
    reason the newest stored page is not (or `no page` when none is stored)."""
    captures = session.scalars(
        select(Capture)
        .where(
            Capture.edition_id == edition.id,
            Capture.blob_sha256.is_not(None),
            Capture.http_status.between(200, 299),
        )
        .order_by(Capture.fetched_at.desc(), Capture.id.desc())
    )
    first_reason = "no page"
    for index, capture in enumerate(captures):
        judgement = judge(capture, get_blob(session, capture.blob_sha256), site)
        if judgement.outcome == USABLE and judgement.content is not None:
            return capture, judgement.content
        if index == 0:
            first_reason = judgement.reason or judgement.outcome
    return first_reason


def _edition_ids(session: Session, site: Site) -> list[int]:
    query = select(Edition.id).join(Statement).where(Statement.site == site.key)
    return list(session.scalars(query.order_by(Edition.id)))


def reprocess_site(engine: Engine, site: Site, run_key: str) -> NormaliseResult:
    """Rebuild what changed; the run `run_key` (kind `reprocess`) holds the counts."""
    with transaction(engine) as session:
        run_id = open_run(session, run_key, site.key, kind=STAGE).id
        edition_ids = _edition_ids(session, site)
    rebuilt: list[str] = []
    unchanged = 0
    unusable: Counter[str] = Counter()
    for start in range(0, len(edition_ids), BATCH):
        with transaction(engine) as session:
            for edition_id in edition_ids[start : start + BATCH]:
                edition = session.get(Edition, edition_id)
                found = newest_usable(session, edition, site)
                if isinstance(found, str):
                    unusable[found] += 1
                    continue
                capture, content = found
                added = add_version(
                    session, edition.id, content, capture.id, capture.fetched_at, rebuilt=True
                )
                if isinstance(added, VersionAdded):
                    rebuilt.append(f"{edition.statement.source_id}/{edition.lang}")
                else:
                    unchanged += 1
    result = NormaliseResult(
        run_key=run_key,
        processed=len(edition_ids),
        versions=len(rebuilt),
        unchanged=unchanged,
        unusable=dict(unusable),
        rebuilt=rebuilt,
    )
    with transaction(engine) as session:
        run = session.get(Run, run_id)
        if run.counts.get(STAGE) != result.counts():
            set_stage_counts(run, STAGE, result.counts())
    return result
