"""The JSON API: statements, a statement's history with texts, versions, diffs, changes,
search. Every answer is read from `storage.history` / `storage.search`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from pipeline.versiondiff import version_diff
from storage.history import (
    MAX_LIMIT,
    ChangeFilter,
    get_version,
    list_changes,
    list_statements,
    statement_history,
)
from storage.records import to_plain
from storage.search import MARK_END, MARK_START, search
from web.deps import optional_moment, session

router = APIRouter(prefix="/api", tags=["history"])
DB = Annotated[Session, Depends(session)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0)]
Seq = Annotated[int, Query(ge=1)]


@router.get("/statements")
def statements(
    db: DB, site: str | None = None, lang: str | None = None, limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Statements, most recently first seen first; filter by site and language."""
    return to_plain(list_statements(db, site, lang, limit, offset))


@router.get("/statements/{site}/{source_id}")
def statement(db: DB, site: str, source_id: str, lang: str | None = None) -> dict[str, Any]:
    """A statement with its editions, their versions (with texts) and changes."""
    found = statement_history(db, source_id, site, lang, with_text=True)
    return {**to_plain(found), "timeline": to_plain(found.timeline())}


@router.get("/statements/{site}/{source_id}/{lang}/versions/{seq}")
def version(db: DB, site: str, source_id: str, lang: str, seq: int) -> dict[str, Any]:
    return to_plain(get_version(db, source_id, lang, seq, site))


@router.get("/statements/{site}/{source_id}/{lang}/diff")
def diff(
    db: DB, site: str, source_id: str, lang: str,
    from_seq: Annotated[int | None, Query(alias="from", ge=1)] = None,
    to_seq: Annotated[int | None, Query(alias="to", ge=1)] = None,
) -> dict[str, Any]:
    """The edit between two versions as (operation, text) pairs: -1 removed, 0 kept, 1 added."""
    found = version_diff(db, source_id, lang, from_seq, to_seq, site)
    return {**to_plain(found), "title_ops": found.title_ops, "body_ops": found.body_ops}


def change_filter(
    since: str | None = None, until: str | None = None, site: str | None = None,
    lang: str | None = None, kind: str | None = None, significance: str | None = None,
) -> ChangeFilter:
    return ChangeFilter(
        since=optional_moment(since, "since"), until=optional_moment(until, "until"),
        site=site, lang=lang, kind=kind, significance=significance,
    )


Filters = Annotated[ChangeFilter, Depends(change_filter)]


@router.get("/changes")
def changes(db: DB, filters: Filters, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Changes, newest first (also as an Atom feed at /changes.atom)."""
    return to_plain(list_changes(db, filters, limit, offset))


@router.get("/search")
def search_versions(
    db: DB, q: Annotated[str, Query(min_length=1, max_length=200)], lang: str | None = None,
    site: str | None = None, limit: Limit = 20, offset: Offset = 0,
) -> list[dict[str, Any]]:
    """Versions (current or not) containing every word of `q`; matches in the snippet are
    between [[ and ]]."""
    hits = search(db, q, lang=lang, site=site, limit=limit, offset=offset)
    return [
        {**to_plain(h), "snippet": h.snippet.replace(MARK_START, "[[").replace(MARK_END, "]]")}
        for h in hits
    ]
