"""Statements and their language editions, keyed on the site's own identifier."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Edition, Statement
from storage.types import utcnow
from storage.upsert import insert_ignore, insert_ignore_rows


def get_or_create_statement(session: Session, site: str, source_id: str) -> Statement:
    insert_ignore(
        session,
        Statement,
        {"site": site, "source_id": source_id, "first_seen_at": utcnow()},
        ["site", "source_id"],
    )
    return session.scalars(
        select(Statement).where(Statement.site == site, Statement.source_id == source_id)
    ).one()


def get_or_create_edition(
    session: Session, statement: Statement, lang: str, url: str
) -> tuple[Edition, bool]:
    """The edition of `statement` in `lang`; the flag says whether this call created it."""
    created = insert_ignore(
        session,
        Edition,
        {
            "statement_id": statement.id,
            "lang": lang,
            "url": url,
            "state": "active",
            "first_seen_at": utcnow(),
        },
        ["statement_id", "lang"],
    )
    edition = session.scalars(
        select(Edition).where(Edition.statement_id == statement.id, Edition.lang == lang)
    ).one()
    return edition, bool(created)


def statement_ids(session: Session, site: str, source_ids: Iterable[str]) -> dict[str, int]:
    """Get-or-create many statements of `site` in two statements; their ids by source id.
    Rows are inserted in source id order, so concurrent writers lock them in the same order."""
    wanted = sorted(set(source_ids))
    if not wanted:
        return {}
    now = utcnow()
    insert_ignore_rows(
        session,
        Statement.__table__,
        [{"site": site, "source_id": source_id, "first_seen_at": now} for source_id in wanted],
        ["site", "source_id"],
        ["id"],
    )
    rows = session.execute(
        select(Statement.source_id, Statement.id).where(
            Statement.site == site, Statement.source_id.in_(wanted)
        )
    )
    return {source_id: statement_id for source_id, statement_id in rows}


def edition_ids(
    session: Session, urls: Mapping[tuple[int, str], str]
) -> tuple[dict[tuple[int, str], int], int]:
    """Get-or-create many editions, keyed `(statement id, lang)` with the URL a new one gets,
    in two statements: their ids, and how many this call created."""
    keys = sorted(urls)
    if not keys:
        return {}, 0
    now = utcnow()
    rows = [
        {"statement_id": statement_id, "lang": lang, "url": urls[statement_id, lang],
         "state": "active", "first_seen_at": now}
        for statement_id, lang in keys
    ]
    created = len(
        insert_ignore_rows(session, Edition.__table__, rows, ["statement_id", "lang"], ["id"])
    )
    found = session.execute(
        select(Edition.statement_id, Edition.lang, Edition.id).where(
            Edition.statement_id.in_({statement_id for statement_id, _ in keys})
        )
    )
    ids = {(sid, lang): edition_id for sid, lang, edition_id in found if (sid, lang) in urls}
    return ids, created


def find_statement(session: Session, site: str, source_id: str) -> Statement | None:
    return session.scalars(
        select(Statement).where(Statement.site == site, Statement.source_id == source_id)
    ).one_or_none()


def find_edition(session: Session, site: str, source_id: str, lang: str) -> Edition | None:
    return session.scalars(
        select(Edition)
        .join(Statement)
        .where(Statement.site == site, Statement.source_id == source_id, Edition.lang == lang)
    ).one_or_none()
