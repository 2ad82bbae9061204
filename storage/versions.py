"""Versions: a new one only when the content hash differs from the edition's current one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import NoResultFound
from sqlalchemy.orm import Session

from storage.models import Edition, Version
from storage.types import utcnow


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


@dataclass(frozen=True)
class NewContent:
    """One edition's content to add as a version (the arguments of `add_version`)."""

    edition_id: int
    content: VersionContent
    capture_id: int | None
    observed_at: datetime | None = None
    rebuilt: bool = False


def _lock_editions(
    session: Session, edition_ids: list[int], skip_locked: bool
) -> dict[int, Edition]:
    """Serialise version writers of each edition (row locks on PostgreSQL, taken in id order so
    two batch writers never deadlock; SQLite writers are serialised by the database file lock).
    With `skip_locked`, editions another transaction holds are left out."""
    query = select(Edition).where(Edition.id.in_(edition_ids)).order_by(Edition.id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=skip_locked)
    editions = session.scalars(query.execution_options(populate_existing=True))
    return {edition.id: edition for edition in editions}


def _current_versions(session: Session, editions: dict[int, Edition]) -> dict[int, Version | None]:
    ids = [e.current_version_id for e in editions.values() if e.current_version_id]
    found = {v.id: v for v in session.scalars(select(Version).where(Version.id.in_(ids)))} \
        if ids else {}
    return {eid: found.get(e.current_version_id or 0) for eid, e in editions.items()}


def _row(item: NewContent, seq: int) -> dict[str, Any]:
    content = item.content
    return {
        "edition_id": item.edition_id,
        "seq": seq,
        "content_hash": content.content_hash,
        "title": content.title,
        "body": content.body,
        "published_at": content.published_at,
        "published_text": content.published_text,
        "number": content.number,
        "tags": list(content.tags),
        "capture_id": item.capture_id,
        "created_at": utcnow(),
        "observed_at": item.observed_at or utcnow(),
        "rebuilt": item.rebuilt,
    }


def _insert_ignore_versions(session: Session, rows: list[dict[str, Any]]) -> set[tuple[int, int]]:
    """INSERT .. ON CONFLICT (edition_id, seq) DO NOTHING; the (edition, seq) keys inserted."""
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        module.insert(Version.__table__)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["edition_id", "seq"])
        .returning(Version.__table__.c.edition_id, Version.__table__.c.seq)
    )
    return {(edition_id, seq) for edition_id, seq in session.execute(statement).all()}


def _write_wave(
    session: Session,
    wave: list[tuple[int, NewContent]],
    editions: dict[int, Edition],
    current: dict[int, Version | None],
    results: list[VersionAdded | Unchanged | None],
) -> None:
    """Add at most one item per edition: unchanged ones answered from `current`, the others
    inserted in one statement; `current` is moved on to the versions written."""
    planned: list[tuple[int, NewContent, int]] = []
    for index, item in wave:
        previous = current[item.edition_id]
        if previous is not None and previous.content_hash == item.content.content_hash:
            results[index] = Unchanged(previous)
        else:
            planned.append((index, item, (previous.seq if previous else 0) + 1))
    if not planned:
        return
    inserted = _insert_ignore_versions(session, [_row(item, seq) for _, item, seq in planned])
    written = session.scalars(
        select(Version).where(Version.edition_id.in_([item.edition_id for _, item, _ in planned]))
        .where(Version.seq.in_(sorted({seq for _, _, seq in planned})))
    )
    by_key = {(v.edition_id, v.seq): v for v in written}
    for index, item, seq in planned:
        version = by_key[(item.edition_id, seq)]
        if (item.edition_id, seq) not in inserted:
            if version.content_hash != item.content.content_hash:
                raise RuntimeError(f"edition {item.edition_id}: version {seq} was written "
                                   "concurrently with other content")
            results[index] = Unchanged(version)
        else:
            editions[item.edition_id].current_version_id = version.id
            results[index] = VersionAdded(version, current[item.edition_id])
        current[item.edition_id] = version


def add_versions(
    session: Session, items: Sequence[NewContent], skip_locked: bool = False
) -> list[VersionAdded | Unchanged | None]:
    """`add_version` for many items in a few statements, answering in the order given; items
    of one edition are applied in that order. With `skip_locked` (PostgreSQL), the items of an
    edition another transaction has locked are not written and answer None."""
    if not items:
        return []
    editions = _lock_editions(session, sorted({i.edition_id for i in items}), skip_locked)
    current = _current_versions(session, editions)
    results: list[VersionAdded | Unchanged | None] = [None] * len(items)
    waiting = [(index, item) for index, item in enumerate(items) if item.edition_id in editions]
    while waiting:
        wave: dict[int, tuple[int, NewContent]] = {}
        later = []
        for entry in waiting:
            if entry[1].edition_id in wave:
                later.append(entry)
            else:
                wave[entry[1].edition_id] = entry
        _write_wave(session, list(wave.values()), editions, current, results)
        waiting = later
    return results


def add_version(
    session: Session,
    edition_id: int,
    content: VersionContent,
    capture_id: int | None,
    observed_at: datetime | None = None,
    rebuilt: bool = False,
) -> VersionAdded | Unchanged:
    result = add_versions(
        session, [NewContent(edition_id, content, capture_id, observed_at, rebuilt)]
    )[0]
    if result is None:
        raise NoResultFound(f"no edition {edition_id}")
    return result


def versions_of(session: Session, edition_id: int) -> list[Version]:
    return list(
        session.scalars(
            select(Version).where(Version.edition_id == edition_id).order_by(Version.seq)
        )
    )
