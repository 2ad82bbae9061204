"""Alembic environment: runs on the engine handed over in `config.attributes`."""

from alembic import context

from storage.db import create_db_engine
from storage.models import Base
from storage.search import include_name

config = context.config
engine = config.attributes.get("engine") or create_db_engine()

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    context.run_migrations()
