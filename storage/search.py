"""Full-text search over every version of every edition, current or not.

The index lives beside the tables (migration 0002): on SQLite an FTS5 table over `version`,
on PostgreSQL a GIN-indexed tsvector per version built with its edition's language
configuration. Both are filled by triggers, so the writers need not know about them.
Matched words come back in `snippet` between MARK_START and MARK_END, for each reader to
highlight in its own way after escaping the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, TextClause, text
from sqlalchemy.orm import Session

from storage.errors import InputError
from storage.types import UTCDateTime

MARK_START, MARK_END = "\x02", "\x03"
PG_CONFIGS = ("russian", "english", "german", "french", "spanish", "simple")
SQLITE_OBJECTS = {"version_fts", "version_fts_data", "version_fts_idx", "version_fts_content",
                  "version_fts_docsize", "version_fts_config"}
PG_OBJECTS = {"version_search", "ix_version_search_document"}
MAX_QUERY = 200
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    site: str
    source_id: str
    lang: str
    seq: int
    current: bool
    title: str
    snippet: str
    observed_at: datetime


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic hook: the search index is made by raw DDL that the models cannot describe."""
    return name not in SQLITE_OBJECTS | PG_OBJECTS


def check_query(query: str) -> str:
    cleaned = " ".join(query.split())
    if not cleaned:
        raise InputError("search text is empty")
    if len(cleaned) > MAX_QUERY:
        raise InputError(f"search text is {len(cleaned)} characters; at most {MAX_QUERY}")
    if not _WORD.search(cleaned):
        raise InputError(f"search text {query!r} has no word to look for")
    return cleaned


def search(
    session: Session,
    query: str,
    lang: str | None = None,
    site: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> list[SearchHit]:
    """Versions whose title or body contain every word of `query`, best match first."""
    cleaned = check_query(query)
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(_pg_sql(lang), _params(cleaned, lang, site, limit, offset))
    else:
        rows = session.execute(
            _SQLITE_SQL, _params(_fts5_query(cleaned), lang, site, limit, offset)
        )
    return [SearchHit(**row._mapping) for row in rows]


def _params(
    query: str, lang: str | None, site: str | None, limit: int, offset: int
) -> dict[str, object]:
    return {"q": query, "lang": lang, "site": site, "limit": limit, "offset": offset}


def _fts5_query(cleaned: str) -> str:
    """Every word quoted as a phrase, so user text never becomes FTS5 query syntax."""
    return " ".join(f'"{word}"' for word in _WORD.findall(cleaned))


_SELECT = """
    SELECT s.site AS site, s.source_id AS source_id, e.lang AS lang, v.seq AS seq,
           (e.current_version_id = v.id) AS current, v.title AS title,
           {snippet} AS snippet, v.observed_at AS observed_at
"""

def _typed(clause: TextClause) -> TextClause:
    return clause.columns(current=Boolean(), observed_at=UTCDateTime())


_SQLITE_SQL = _typed(text(
    _SELECT.format(snippet="snippet(version_fts, 1, char(2), char(3), '…', 16)")
    + """
    FROM version_fts
    JOIN version v ON v.id = version_fts.rowid
    JOIN edition e ON e.id = v.edition_id
    JOIN statement s ON s.id = e.statement_id
    WHERE version_fts MATCH :q
      AND (:lang IS NULL OR e.lang = :lang)
      AND (:site IS NULL OR s.site = :site)
    ORDER BY bm25(version_fts, 2.0, 1.0), v.id DESC
    LIMIT :limit OFFSET :offset
    """
))


def _pg_query_expression(lang: str | None) -> str:
    if lang is not None:
        return "websearch_to_tsquery(mw_search_config(:lang), :q)"
    return " || ".join(f"websearch_to_tsquery('{name}', :q)" for name in PG_CONFIGS)


def _pg_sql(lang: str | None) -> TextClause:
    """Rank the matches through the GIN index first, then build snippets for one page only."""
    return _typed(text(
        f"""
        WITH query AS (SELECT ({_pg_query_expression(lang)}) AS tsq),
        matched AS (
          SELECT vs.version_id, ts_rank_cd(vs.document, query.tsq) AS rank, query.tsq
          FROM version_search vs, query
          WHERE vs.document @@ query.tsq
            AND (CAST(:lang AS text) IS NULL OR vs.lang = :lang)
        ),
        page AS (
          SELECT m.version_id, m.rank, m.tsq FROM matched m
          JOIN version v ON v.id = m.version_id
          JOIN edition e ON e.id = v.edition_id
          JOIN statement s ON s.id = e.statement_id
          WHERE (CAST(:site AS text) IS NULL OR s.site = :site)
          ORDER BY m.rank DESC, m.version_id DESC
          LIMIT :limit OFFSET :offset
        )
        """
        + _SELECT.format(
            snippet="ts_headline(mw_search_config(e.lang), v.body, page.tsq, "
            "'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=12')"
        )
        + """
        FROM page
        JOIN version v ON v.id = page.version_id
        JOIN edition e ON e.id = v.edition_id
        JOIN statement s ON s.id = e.statement_id
        ORDER BY page.rank DESC, page.version_id DESC
        """
    ))
