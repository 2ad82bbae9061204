"""FastAPI application factory: JSON API under /api, server-rendered pages, an Atom feed."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from storage.db import create_db_engine
from storage.errors import InputError
from storage.history import NotFound
from web import api, feed, pages
from web.templating import templates

STATIC = Path(__file__).parent / "static"


def create_app(engine: Engine | None = None) -> FastAPI:
    """The app over `engine` (default: the configured database)."""
    app = FastAPI(
        title="ministry-watch history",
        description="Every version of every statement, the changes between them, and search.",
        version="1",
    )
    app.state.engine = engine or create_db_engine()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(feed.router)
    app.include_router(pages.router)
    app.add_exception_handler(NotFound, _error(404))
    app.add_exception_handler(InputError, _error(422))
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _error(500))
    return app


def _respond(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=status)
    return templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message}, status_code=status
    )


def _error(status: int):  # type: ignore[no-untyped-def]
    async def handler(request: Request, exc: Exception) -> Response:
        message = str(exc) if status < 500 else "internal error; the request was not completed"
        return _respond(request, status, message)

    return handler


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()
    )
    return _respond(request, 422, problems or "bad request")
