"""INSERT ... ON CONFLICT DO NOTHING for both backends: get-or-create that holds under
concurrent writers, because the database, not the caller, decides who wins."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Base


def insert_ignore(
    session: Session,
    model: type[Base],
    values: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    conflict: Sequence[str] | None = None,
) -> int:
    """Insert rows unless they collide with a unique constraint (on `conflict` columns, or
    any when None); returns the number of rows inserted."""
    if not values:
        return 0
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement: Insert = module.insert(model).values(values)
    statement = statement.on_conflict_do_nothing(
        index_elements=list(conflict) if conflict else None
    )
    keys = [column for column in model.__table__.primary_key.columns]
    return len(session.execute(statement.returning(*keys)).all())
