"""Shared fixtures: every test that asks for `db_url` or `engine` runs on SQLite and on
PostgreSQL. With MINISTRY_WATCH_REQUIRE_POSTGRES=1 (CI) an unreachable PostgreSQL fails the
run; without it the PostgreSQL cases are left out and the summary says so loudly."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from scrapers.sitefile import Site, load_site
from storage.db import create_db_engine
from testbed.server import TestbedHandle, serve_in_thread
from tests import databases

REQUIRE_PG = os.environ.get("MINISTRY_WATCH_REQUIRE_POSTGRES") == "1"
_pg_problem: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _pg_problem
    _pg_problem = databases.postgres_reachable()
    if _pg_problem and REQUIRE_PG:
        raise pytest.UsageError(
            f"PostgreSQL is required (MINISTRY_WATCH_REQUIRE_POSTGRES=1) but unreachable at "
            f"{databases.pg_admin_url()}: {_pg_problem}"
        )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        backends = ["sqlite"] if _pg_problem else ["sqlite", "postgres"]
        metafunc.parametrize("backend", backends, scope="session")


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if _pg_problem:
        terminalreporter.write_line(
            f"POSTGRESQL WAS NOT TESTED: {databases.pg_admin_url()} is unreachable "
            f"({_pg_problem}); only the SQLite cases ran.",
            red=True,
            bold=True,
        )


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    made: dict[str, str] = {}
    yield made
    if "postgres" in made:
        databases.drop_pg_database(made["postgres"])


@pytest.fixture
def db_url(
    backend: str, _templates: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The URL of a fresh, migrated database of `backend`, dropped after the test."""
    if backend == "sqlite":
        if "sqlite" not in _templates:
            directory = tmp_path_factory.mktemp("sqlite-template")
            _templates["sqlite"] = str(databases.create_sqlite_template(directory))
        yield databases.create_sqlite_database(
            Path(_templates["sqlite"]), tmp_path_factory.mktemp("db")
        )
        return
    if "postgres" not in _templates:
        _templates["postgres"] = databases.create_pg_template()
    url = databases.create_pg_database(_templates["postgres"])
    try:
        yield url
    finally:
        databases.drop_pg_database(url)


@pytest.fixture(scope="module")
def testbed() -> Iterator[TestbedHandle]:
    """A default testbed for the module (tests reset its night and faults as they need)."""
    with serve_in_thread() as handle:
        yield handle


@pytest.fixture
def site(testbed: TestbedHandle) -> Site:
    """The testbed site file pointed at the module's testbed, reset to night 0 without faults."""
    testbed.set_night(0)
    testbed.set_faults([])
    return load_site("testbed", base_url=testbed.base_url)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_db_engine(db_url)
    yield engine
    engine.dispose()
