"""Throw-away databases for tests and benchmarks: a migrated template, copied per test.

PostgreSQL is reached through MINISTRY_WATCH_TEST_PG_URL (default: the local server's
`postgres` database); every test gets a database of its own, so suites run side by side.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage.db import create_db_engine
from storage.migrate import upgrade

PG_ADMIN_VARIABLE = "MINISTRY_WATCH_TEST_PG_URL"
DEFAULT_PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def pg_admin_url() -> str:
    return os.environ.get(PG_ADMIN_VARIABLE) or DEFAULT_PG_ADMIN_URL


def postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    engine = create_engine(pg_admin_url(), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"; reason kept
        return str(exc).splitlines()[0]
    finally:
        engine.dispose()


def _admin_execute(statement: str) -> None:
    engine = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def pg_database_url(name: str) -> str:
    return make_url(pg_admin_url()).set(database=name).render_as_string(hide_password=False)


def create_pg_template() -> str:
    """A migrated database to copy from; returns its name."""
    name = f"mw_tmpl_{uuid.uuid4().hex[:12]}"
    _admin_execute(f'CREATE DATABASE "{name}"')
    engine = create_db_engine(pg_database_url(name))
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return name


def create_pg_database(template: str | None = None) -> str:
    """A fresh database (a copy of `template` when given); returns its URL."""
    name = f"mw_test_{uuid.uuid4().hex[:12]}"
    suffix = f' TEMPLATE "{template}"' if template else ""
    _admin_execute(f'CREATE DATABASE "{name}"{suffix}')
    return pg_database_url(name)


def drop_pg_database(name_or_url: str) -> None:
    name = make_url(name_or_url).database if "://" in name_or_url else name_or_url
    _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_sqlite_template(directory: Path) -> Path:
    path = directory / "template.sqlite3"
    engine = create_db_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return path


def create_sqlite_database(template: Path, directory: Path) -> str:
    path = directory / f"mw-{uuid.uuid4().hex[:8]}.sqlite3"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"
