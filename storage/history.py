"""Read queries for analysts: statements, one statement's editions, versions and changes in
time order, the version current at a moment, and the changes feed.

Every query is answered from indexed lookups: `(site, source_id)`, `(statement, lang)`,
`(edition, seq)`, `change.edition_id` and `change.detected_at`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased, defer, joinedload

from storage.changes import KINDS, SIGNIFICANCES
from storage.errors import InputError
from storage.models import Change, Edition, Statement, Version
from storage.records import (
    ChangeInfo,
    EditionInfo,
    Page,
    StatementHistory,
    StatementSummary,
    VersionInfo,
)

MAX_LIMIT = 500
STREAM_BATCH = 500
_NEW, _OLD = aliased(Version, name="new_version"), aliased(Version, name="old_version")


class NotFound(InputError):
    """The statement, edition or version asked for does not exist (HTTP 404)."""


def check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if offset < 0:
        raise InputError(f"offset must be 0 or more, not {offset}")


@dataclass(frozen=True)
class ChangeFilter:
    """Which changes to list; every field is optional. Wrong values raise InputError."""

    since: datetime | None = None
    until: datetime | None = None
    site: str | None = None
    lang: str | None = None
    kind: str | None = None
    significance: str | None = None
    source_id: str | None = None

    def __post_init__(self) -> None:
        if self.kind is not None and self.kind not in KINDS:
            raise InputError(f"unknown change kind {self.kind!r}; use one of {', '.join(KINDS)}")
        if self.significance is not None and self.significance not in SIGNIFICANCES:
            raise InputError(
                f"unknown significance {self.significance!r}; "
                f"use one of {', '.join(SIGNIFICANCES)}"
            )
        for name in ("since", "until"):
            moment = getattr(self, name)
            if moment is not None and moment.tzinfo is None:
                raise InputError(f"{name} {moment.isoformat()} has no time zone")
        if self.since and self.until and self.since > self.until:
            raise InputError(
                f"since {self.since.isoformat()} is after until {self.until.isoformat()}"
            )


def find_statement(
    session: Session, source_id: str, site: str | None = None, editions: bool = False
) -> Statement:
    """The statement with `source_id`; without `site` it must be the only one with that id.
    With `editions`, its editions come in the same round trip."""
    query = select(Statement).where(Statement.source_id == source_id)
    if site is not None:
        query = query.where(Statement.site == site)
    if editions:
        query = query.options(joinedload(Statement.editions))
    found = list(session.scalars(query.limit(2)).unique())
    if not found:
        where = f" on site {site!r}" if site else ""
        raise NotFound(f"no statement {source_id!r}{where}")
    if len(found) > 1:
        sites = ", ".join(sorted(s.site for s in found))
        raise InputError(f"statement {source_id!r} exists on several sites ({sites}); name one")
    return found[0]


def find_edition(session: Session, source_id: str, lang: str, site: str | None = None) -> Edition:
    statement = find_statement(session, source_id, site)
    edition = session.scalars(
        select(Edition).where(Edition.statement_id == statement.id, Edition.lang == lang)
    ).one_or_none()
    if edition is None:
        raise NotFound(f"statement {source_id!r} has no {lang!r} edition")
    return edition


def _version_info(statement: Statement, edition: Edition, v: Version, text: bool) -> VersionInfo:
    return VersionInfo(
        site=statement.site, source_id=statement.source_id, lang=edition.lang, seq=v.seq,
        current=edition.current_version_id == v.id, observed_at=v.observed_at, title=v.title,
        published_at=v.published_at, published_text=v.published_text, number=v.number,
        tags=list(v.tags), content_hash=v.content_hash, rebuilt=v.rebuilt,
        body=v.body if text else None,
    )


def statement_history(
    session: Session,
    source_id: str,
    site: str | None = None,
    lang: str | None = None,
    with_text: bool = False,
) -> StatementHistory:
    """Every edition of a statement (or the one in `lang`) with versions and changes."""
    statement = find_statement(session, source_id, site, editions=True)
    editions = sorted(
        (e for e in statement.editions if lang is None or e.lang == lang), key=lambda e: e.lang
    )
    if lang is not None and not editions:
        raise NotFound(f"statement {source_id!r} has no {lang!r} edition")
    ids = [e.id for e in editions]
    query_versions = select(Version).where(Version.edition_id.in_(ids)).order_by(Version.seq)
    if not with_text:
        query_versions = query_versions.options(defer(Version.body))
    versions = session.scalars(query_versions).all()
    changes = _change_rows(session, ChangeFilter(), Change.edition_id.in_(ids))
    return StatementHistory(
        site=statement.site,
        source_id=statement.source_id,
        first_seen_at=statement.first_seen_at,
        editions=[
            EditionInfo(
                lang=e.lang, url=e.url, state=e.state, first_seen_at=e.first_seen_at,
                last_checked_at=e.last_checked_at,
                current_seq=next((v.seq for v in versions if v.id == e.current_version_id), None),
                versions=[
                    _version_info(statement, e, v, with_text)
                    for v in versions if v.edition_id == e.id
                ],
                changes=[c for c in changes if c.lang == e.lang],
            )
            for e in editions
        ],
    )


def get_version(
    session: Session, source_id: str, lang: str, seq: int, site: str | None = None
) -> VersionInfo:
    edition = find_edition(session, source_id, lang, site)
    version = session.scalars(
        select(Version).where(Version.edition_id == edition.id, Version.seq == seq)
    ).one_or_none()
    if version is None:
        raise NotFound(f"statement {source_id!r} ({lang}) has no version {seq}")
    return _version_info(edition.statement, edition, version, text=True)


def version_at(
    session: Session, source_id: str, lang: str, at: datetime, site: str | None = None
) -> VersionInfo:
    """The version that was current at `at`: the last one observed at or before it."""
    if at.tzinfo is None:
        raise InputError(f"moment {at.isoformat()} has no time zone")
    edition = find_edition(session, source_id, lang, site)
    version = session.scalars(
        select(Version)
        .where(Version.edition_id == edition.id, Version.observed_at <= at)
        .order_by(Version.seq.desc())
        .limit(1)
    ).one_or_none()
    if version is None:
        raise NotFound(
            f"statement {source_id!r} ({lang}) had no version yet at {at.isoformat()}"
        )
    return _version_info(edition.statement, edition, version, text=True)


def list_statements(
    session: Session,
    site: str | None = None,
    lang: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[StatementSummary]:
    """Statements, most recently first seen first, with their languages and latest title."""
    check_page(limit, offset)
    query = select(Statement)
    if site is not None:
        query = query.where(Statement.site == site)
    if lang is not None:
        query = query.where(
            select(Edition.id)
            .where(Edition.statement_id == Statement.id, Edition.lang == lang)
            .exists()
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    statements = session.scalars(
        query.order_by(Statement.first_seen_at.desc(), Statement.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return Page([_summary(session, s) for s in statements], total, limit, offset)


def _summary(session: Session, statement: Statement) -> StatementSummary:
    rows = session.execute(
        select(Edition.lang, Version.title, Version.observed_at)
        .outerjoin(Version, Version.id == Edition.current_version_id)
        .where(Edition.statement_id == statement.id)
        .order_by(Edition.lang)
    ).all()
    seen = [r.observed_at for r in rows if r.observed_at is not None]
    preferred = next((r.title for r in rows if r.lang == "en" and r.title), None)
    return StatementSummary(
        site=statement.site,
        source_id=statement.source_id,
        first_seen_at=statement.first_seen_at,
        langs=[r.lang for r in rows],
        title=preferred or next((r.title for r in rows if r.title), None),
        last_seen_at=max(seen) if seen else None,
    )


def _changes_query(filters: ChangeFilter, *extra: object) -> Select:
    new, old = _NEW, _OLD
    query = (
        select(
            Change.id, Statement.site, Statement.source_id, Edition.lang, Change.kind,
            Change.detected_at, Change.significance, Change.fields,
            old.seq.label("from_seq"), new.seq.label("to_seq"), Change.chars_added,
            Change.chars_removed, Change.similarity, new.title,
        )
        .join(Edition, Edition.id == Change.edition_id)
        .join(Statement, Statement.id == Edition.statement_id)
        .outerjoin(new, new.id == Change.version_id)
        .outerjoin(old, old.id == Change.previous_version_id)
    )
    conditions = [
        (filters.since, lambda v: Change.detected_at >= v),
        (filters.until, lambda v: Change.detected_at <= v),
        (filters.site, lambda v: Statement.site == v),
        (filters.lang, lambda v: Edition.lang == v),
        (filters.kind, lambda v: Change.kind == v),
        (filters.significance, lambda v: Change.significance == v),
        (filters.source_id, lambda v: Statement.source_id == v),
    ]
    for value, condition in conditions:
        if value is not None:
            query = query.where(condition(value))
    return query.where(*extra)  # type: ignore[arg-type]


def _change_rows(session: Session, filters: ChangeFilter, *extra: object) -> list[ChangeInfo]:
    query = _changes_query(filters, *extra).order_by(Change.detected_at, Change.id)
    return [ChangeInfo(**row._mapping) for row in session.execute(query)]


def list_changes(
    session: Session, filters: ChangeFilter, limit: int = 50, offset: int = 0
) -> Page[ChangeInfo]:
    """The changes feed, newest first."""
    check_page(limit, offset)
    query = _changes_query(filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(Change.detected_at.desc(), Change.id.desc()).limit(limit).offset(offset)
    )
    return Page([ChangeInfo(**row._mapping) for row in rows], total, limit, offset)


def iter_changes(session: Session, filters: ChangeFilter) -> Iterator[ChangeInfo]:
    """Every matching change, oldest first, fetched in batches (a server-side cursor on
    PostgreSQL), so exporting a long history keeps memory flat."""
    query = _changes_query(filters).order_by(Change.detected_at, Change.id)
    for row in session.execute(query.execution_options(yield_per=STREAM_BATCH)):
        yield ChangeInfo(**row._mapping)
