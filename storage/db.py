"""Engine and session set-up from MINISTRY_WATCH_DATABASE_URL (default: a SQLite file)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from storage.errors import ConfigError

URL_VARIABLE = "MINISTRY_WATCH_DATABASE_URL"
DATA_DIR_VARIABLE = "MINISTRY_WATCH_DATA_DIR"
SQLITE_FILE = "ministry-watch.sqlite3"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def data_dir() -> Path:
    """Where the embedded default keeps its database, blobs and outbox (`./data`)."""
    return Path(os.environ.get(DATA_DIR_VARIABLE) or "data")


def database_url() -> str:
    configured = os.environ.get(URL_VARIABLE, "").strip()
    if configured:
        return configured
    return f"sqlite:///{data_dir() / SQLITE_FILE}"


def parse_database_url(raw: str, source: str = URL_VARIABLE) -> URL:
    """Parse and check a database URL; a wrong one raises ConfigError naming `source`."""
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise ConfigError(f"{source} is not a database URL: {raw!r}") from exc
    if url.get_backend_name() not in SUPPORTED_BACKENDS:
        raise ConfigError(
            f"{source} names backend {url.get_backend_name()!r}; "
            f"use one of {', '.join(SUPPORTED_BACKENDS)}"
        )
    return url


def create_db_engine(url: str | None = None, source: str = URL_VARIABLE) -> Engine:
    """An engine for `url` (default: the configured one), with SQLite made safe for sharing."""
    parsed = parse_database_url(url or database_url(), source)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (NoSuchModuleError, ImportError) as exc:
        raise ConfigError(f"{source} names a driver that is not installed: {exc}") from exc


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    return engine


def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back whole on any error."""
    with sessions(engine)() as session, session.begin():
        yield session
