"""Statements and their language editions, keyed on the site's own identifier."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Edition, Statement
from storage.types import utcnow
from storage.upsert import insert_ignore


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
