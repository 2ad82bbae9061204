"""Versions: a new one only when the content hash differs from the edition's current one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Edition, Version
from storage.types import utcnow
from storage.upsert import insert_ignore


@dataclass(frozen=True)
class VersionContent:
    """Extracted fields of one edition and the hash of their canonical form."""

    content_hash: str
    title: str
    body: str
    published_at: datetime | None = None
    published_text: str | None = None
    number: str | None = None
    tags: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class VersionAdded:
    version: Version
    previous: Version | None


@dataclass(frozen=True)
class Unchanged:
    current: Version


def _lock_edition(session: Session, edition_id: int) -> Edition:
    """Serialise version writers of one edition (row lock on PostgreSQL; SQLite writers are
    serialised by the database file lock)."""
    query = select(Edition).where(Edition.id == edition_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).one()


def add_version(
    session: Session,
    edition_id: int,
    content: VersionContent,
    capture_id: int | None,
    observed_at: datetime | None = None,
    rebuilt: bool = False,
) -> VersionAdded | Unchanged:
    edition = _lock_edition(session, edition_id)
    current = (
        session.get(Version, edition.current_version_id) if edition.current_version_id else None
    )
    if current is not None and current.content_hash == content.content_hash:
        return Unchanged(current)
    seq = (current.seq if current else 0) + 1
    inserted = insert_ignore(
        session,
        Version,
        {
            "edition_id": edition.id,
            "seq": seq,
            "content_hash": content.content_hash,
            "title": content.title,
            "body": content.body,
            "published_at": content.published_at,
            "published_text": content.published_text,
            "number": content.number,
            "tags": list(content.tags),
            "capture_id": capture_id,
            "created_at": utcnow(),
            "observed_at": observed_at or utcnow(),
            "rebuilt": rebuilt,
        },
        ["edition_id", "seq"],
    )
    version = session.scalars(
        select(Version).where(Version.edition_id == edition.id, Version.seq == seq)
    ).one()
    if not inserted:
        if version.content_hash == content.content_hash:
            return Unchanged(version)
        raise RuntimeError(
            f"edition {edition.id}: version {seq} was written concurrently with other content"
        )
    edition.current_version_id = version.id
    return VersionAdded(version, current)


def versions_of(session: Session, edition_id: int) -> list[Version]:
    return list(
        session.scalars(
            select(Version).where(Version.edition_id == edition_id).order_by(Version.seq)
        )
    )
