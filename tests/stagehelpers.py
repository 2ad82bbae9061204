"""Helpers for the normalise and diff tests: testbed pages fetched over real HTTP with the
`check` fetcher, recorded as the captures of a run, and a counter of writing statements."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from sqlalchemy import Engine, event, func, select

from pipeline.check import Fetcher
from scrapers.sitefile import Site
from storage.captures import CaptureData, record_captures
from storage.db import transaction
from storage.models import Capture, Change, Version
from storage.runs import open_run
from testbed.model import edition_path
from testbed.timeline import Timeline

TIMELINE = Timeline()


def generated(n: int) -> str:
    """The source id of the testbed's n-th generated statement (the script's `gN`)."""
    return TIMELINE.catalog.generated(n).source_id


def edition_url(site: Site, source_id: str, lang: str) -> str:
    section = TIMELINE.catalog.lookup(source_id)[1].section
    return f"{site.base_url}{edition_path(section, lang, source_id)}"


def fetch(site: Site, source_id: str, lang: str) -> CaptureData:
    return Fetcher(site).fetch(edition_url(site, source_id, lang), source_id, lang)


def record(engine: Engine, site: Site, run_key: str, captures: list[CaptureData]) -> None:
    with transaction(engine) as session:
        run = open_run(session, run_key, site.key)
        record_captures(session, run, captures)


def with_body(capture: CaptureData, body: bytes) -> CaptureData:
    return replace(capture, body=body)


def row_counts(engine: Engine) -> dict[str, int]:
    with transaction(engine) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Capture, Version, Change)
        }


@contextmanager
def writes(engine: Engine) -> Iterator[list[str]]:
    """Collects every INSERT, UPDATE and DELETE sent to the database inside the block."""
    seen: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listen)
