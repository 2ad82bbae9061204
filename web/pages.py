"""The analysts' pages, at stable addresses that mails and notes can cite."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from pipeline.versiondiff import version_diff
from storage.history import MAX_LIMIT, get_version, list_changes, list_statements, statement_history
from storage.search import search
from web.api import DB, Filters, Limit, Offset
from web.templating import templates

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


def render(request: Request, name: str, **context: object) -> Response:
    return templates.TemplateResponse(request, name, context)


@router.get("/")
def home(request: Request, db: DB, site: str | None = None, lang: str | None = None,
         limit: Limit = 50, offset: Offset = 0) -> Response:
    page = list_statements(db, site, lang, limit, offset)
    return render(request, "statements.html", page=page, site=site, lang=lang)


@router.get("/statements/{site}/{source_id}")
def statement(request: Request, db: DB, site: str, source_id: str) -> Response:
    found = statement_history(db, source_id, site)
    return render(request, "statement.html", history=found, timeline=found.timeline())


@router.get("/statements/{site}/{source_id}/{lang}/versions/{seq}")
def version(request: Request, db: DB, site: str, source_id: str, lang: str,
            seq: int) -> Response:
    found = get_version(db, source_id, lang, seq, site)
    return render(request, "version.html", version=found)


@router.get("/statements/{site}/{source_id}/{lang}/diff")
def diff(
    request: Request, db: DB, site: str, source_id: str, lang: str,
    from_seq: Annotated[int | None, Query(alias="from", ge=1)] = None,
    to_seq: Annotated[int | None, Query(alias="to", ge=1)] = None,
    view: Literal["inline", "side"] = "inline",
) -> Response:
    found = version_diff(db, source_id, lang, from_seq, to_seq, site)
    return render(request, "diff.html", diff=found, view=view, site=site)


@router.get("/changes")
def changes(request: Request, db: DB, filters: Filters, limit: Limit = 50,
            offset: Offset = 0) -> Response:
    page = list_changes(db, filters, limit, offset)
    return render(request, "changes.html", page=page, filters=filters,
                  query=request.url.query)


@router.get("/search")
def search_page(
    request: Request, db: DB, q: Annotated[str, Query(max_length=200)] = "",
    lang: str | None = None, limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
) -> Response:
    hits = search(db, q, lang=lang or None, limit=limit) if q.strip() else []
    return render(request, "search.html", hits=hits, q=q, lang=lang or "")
