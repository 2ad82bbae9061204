"""Alembic migrations, run from code: `ministry-watch db upgrade` and the tests call these."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from storage.db import URL_VARIABLE
from storage.errors import ConfigError


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    try:
        command.upgrade(alembic_config(engine), revision)
    except OperationalError as exc:
        raise ConfigError(
            f"cannot reach the database {engine.url.render_as_string(hide_password=True)} "
            f"(set by {URL_VARIABLE} or the default): "
            f"{str(exc.orig).strip().splitlines()[0]}"
        ) from exc


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
