"""Request dependencies: a read-only session per request, and moments from query strings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from fastapi import Request
from sqlalchemy.orm import Session

from pipeline.moments import parse_moment
from storage.db import sessions


def session(request: Request) -> Iterator[Session]:
    """A session that is rolled back at the end: the pages and API never write."""
    with sessions(request.app.state.engine)() as opened:
        try:
            yield opened
        finally:
            opened.rollback()


def optional_moment(raw: str | None, name: str) -> datetime | None:
    return parse_moment(raw, name) if raw else None
