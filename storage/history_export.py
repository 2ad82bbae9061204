"""Streaming reads for exports: every version (with its text) matching a filter, in batches."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.history import STREAM_BATCH
from storage.models import Edition, Statement, Version

VERSION_COLUMNS = (
    "site", "source_id", "lang", "seq", "current", "observed_at", "title", "published_at",
    "number", "content_hash", "body",
)


def iter_versions(
    session: Session,
    site: str | None = None,
    lang: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """Versions observed in [since, until], by statement, language and seq; fetched
    STREAM_BATCH rows at a time (a server-side cursor on PostgreSQL)."""
    query = (
        select(
            Statement.site, Statement.source_id, Edition.lang, Version.seq,
            (Edition.current_version_id == Version.id).label("current"), Version.observed_at,
            Version.title, Version.published_at, Version.number, Version.content_hash,
            Version.body,
        )
        .join(Edition, Edition.id == Version.edition_id)
        .join(Statement, Statement.id == Edition.statement_id)
        .order_by(Statement.site, Statement.source_id, Edition.lang, Version.seq)
    )
    for value, condition in (
        (site, lambda v: Statement.site == v),
        (lang, lambda v: Edition.lang == v),
        (since, lambda v: Version.observed_at >= v),
        (until, lambda v: Version.observed_at <= v),
    ):
        if value is not None:
            query = query.where(condition(value))
    for row in session.execute(query.execution_options(yield_per=STREAM_BATCH)):
        yield {**row._mapping, "current": bool(row.current)}
