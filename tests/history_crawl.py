"""A history produced the real way: the testbed served over HTTP, crawled night by night by
`pipeline.run.run_pipeline` (Scrapy subprocess, normalise, diff) into a fresh database."""

from __future__ import annotations

import atexit
from pathlib import Path

import pytest

from pipeline.run import PipelineOptions, run_pipeline
from storage.db import create_db_engine
from storage.migrate import upgrade
from testbed.server import serve_in_thread
from tests import databases

NIGHTS = 6
STATEMENTS = 10


def fresh_database(backend: str, directory: Path) -> str:
    if backend == "sqlite":
        url = f"sqlite:///{directory / 'crawled.sqlite3'}"
    else:
        url = databases.create_pg_database()
    engine = create_db_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def crawl_history(url: str, nights: int = NIGHTS) -> None:
    """Crawl nights 0..nights-1 of a testbed of STATEMENTS statements into `url`."""
    engine = create_db_engine(url)
    try:
        with serve_in_thread(port=0, statements=STATEMENTS, night=0) as testbed:
            for night in range(nights):
                testbed.set_night(night)
                run_pipeline(engine, "testbed", f"testbed:history-night-{night}",
                             PipelineOptions(base_url=testbed.base_url, polite=False,
                                             recheck_all=True, alerts=False))
    finally:
        engine.dispose()


_crawled: dict[str, str] = {}


def crawled_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of a crawled history on `backend`, made once per test session; read-only users
    share it. PostgreSQL databases made here are dropped when the interpreter exits."""
    if backend not in _crawled:
        directory = tmp_path_factory.mktemp(f"crawled-{backend}")
        url = fresh_database(backend, directory)
        if backend == "postgres":
            atexit.register(databases.drop_pg_database, url)
        crawl_history(url)
        _crawled[backend] = url
    return _crawled[backend]
