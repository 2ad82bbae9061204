"""What the crawler needs to know before and after a night: known editions, their validators,
which of them are due for a re-check, and the per-shard crawl report of a run."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.models import Capture, Edition, Run, Statement, Version
from storage.runs import get_run, set_policy

BAD_OUTCOMES = ("unusable", "error", "gone")
ALL_LANGUAGES = "all"


def shard_key(languages: Iterable[str] | None) -> str:
    """The key a crawl shard reports under: its languages joined with `+`, or `all`."""
    langs = sorted(set(languages or ()))
    return "+".join(langs) if langs else ALL_LANGUAGES


@dataclass(frozen=True)
class KnownEdition:
    """An edition the site is known to have, with the validators of its last good capture."""

    edition_id: int
    source_id: str
    lang: str
    url: str
    state: str
    first_seen_at: datetime
    last_checked_at: datetime | None
    published_at: datetime | None
    etag: str | None
    last_modified: str | None

    @property
    def age_reference(self) -> datetime:
        """The publication date when a version knows it, else when the crawler first saw it."""
        return self.published_at or self.first_seen_at


@dataclass(frozen=True)
class RecheckPolicy:
    recent_days: int
    every_days: int

    def due(self, edition: KnownEdition, now: datetime) -> bool:
        """Recent editions every night; older ones when their slice of the rotation comes up
        (edition id modulo `every_days` against the day number), or when the last check is
        `every_days` old, so a missed night cannot stretch the interval."""
        if now - edition.age_reference < timedelta(days=self.recent_days):
            return True
        if edition.last_checked_at is None:
            return True
        if now - edition.last_checked_at >= timedelta(days=self.every_days) - timedelta(hours=1):
            return True
        return edition.edition_id % self.every_days == now.date().toordinal() % self.every_days

    def describe(self, today: date) -> dict[str, Any]:
        return {
            "recent_days": self.recent_days,
            "every_days": self.every_days,
            "slice": today.toordinal() % self.every_days,
        }


def _good_captures() -> Any:
    """Per edition, the id of its latest capture with a usable 200 body."""
    return (
        select(Capture.edition_id, func.max(Capture.id).label("capture_id"))
        .where(
            Capture.edition_id.is_not(None),
            Capture.http_status == 200,
            Capture.blob_sha256.is_not(None),
            Capture.error_kind.is_(None),
            (Capture.outcome.is_(None)) | (Capture.outcome.not_in(BAD_OUTCOMES)),
        )
        .group_by(Capture.edition_id)
        .subquery()
    )


def known_editions(
    session: Session, site: str, langs: Iterable[str] | None = None
) -> list[KnownEdition]:
    """Every edition of `site` (optionally only `langs`), with its last good validators."""
    good = _good_captures()
    query = (
        select(
            Edition.id,
            Statement.source_id,
            Edition.lang,
            Edition.url,
            Edition.state,
            Edition.first_seen_at,
            Edition.last_checked_at,
            Version.published_at,
            Capture.etag,
            Capture.last_modified,
        )
        .join(Statement, Statement.id == Edition.statement_id)
        .outerjoin(Version, Version.id == Edition.current_version_id)
        .outerjoin(good, good.c.edition_id == Edition.id)
        .outerjoin(Capture, Capture.id == good.c.capture_id)
        .where(Statement.site == site)
        .order_by(Edition.id)
    )
    if langs is not None:
        query = query.where(Edition.lang.in_(list(langs)))
    return [KnownEdition(*row) for row in session.execute(query)]


def known_source_ids(
    session: Session, site: str, lang: str, source_ids: Iterable[str], before: datetime
) -> set[str]:
    """Which of `source_ids` already had an edition in `lang` before `before` (the run's start),
    so editions another shard of the same run has just added do not count as known."""
    wanted = list(set(source_ids))
    if not wanted:
        return set()
    query = (
        select(Statement.source_id)
        .join(Edition, Edition.statement_id == Statement.id)
        .where(
            Statement.site == site,
            Statement.source_id.in_(wanted),
            Edition.lang == lang,
            Edition.first_seen_at < before,
        )
    )
    return set(session.scalars(query))


def _lock_run(session: Session, run_key: str) -> Run:
    """The run row, held for this transaction: shards of one run write their reports in turn.
    On SQLite the no-op update takes the write lock before the read."""
    if session.get_bind().dialect.name == "postgresql":
        query = select(Run).where(Run.key == run_key).with_for_update()
        run = session.scalars(query.execution_options(populate_existing=True)).one_or_none()
        return run if run is not None else get_run(session, run_key)
    session.execute(update(Run).where(Run.key == run_key).values(status=Run.status))
    run = get_run(session, run_key)
    session.refresh(run)
    return run


def save_crawl_report(
    session: Session,
    run_key: str,
    shard: str,
    counts: Mapping[str, Any],
    policy: Mapping[str, Any],
    errors: list[Mapping[str, Any]],
) -> Run:
    """Store one shard's crawl counts under `counts["crawl"][shard]`, its errors tagged with the
    shard, and the re-check policy, leaving other shards' entries as they were."""
    run = _lock_run(session, run_key)
    crawl = dict(run.counts.get("crawl") or {})
    crawl[shard] = dict(counts)
    run.counts = {**run.counts, "crawl": crawl}
    kept = [e for e in run.errors if not (e.get("stage") == "crawl" and e.get("shard") == shard)]
    run.errors = kept + [{"stage": "crawl", "shard": shard, **e} for e in errors]
    shards = dict(run.policy.get("crawl_shards") or {})
    shards[shard] = dict(policy)
    set_policy(run, {**run.policy, "recheck": policy.get("recheck"), "crawl_shards": shards})
    return run


def crawl_counts(session: Session, run_key: str, shard: str) -> dict[str, Any] | None:
    """The counts one shard stored, or None when it stored none."""
    run = get_run(session, run_key)
    session.refresh(run)
    return (run.counts.get("crawl") or {}).get(shard)
