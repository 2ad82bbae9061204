"""INSERT ... ON CONFLICT DO NOTHING for both backends: get-or-create that holds under
concurrent writers, because the database, not the caller, decides who wins.

The statement carries no values: rows go as parameters, so SQLAlchemy compiles it once and
sends a batch as multi-row VALUES pages ("insertmanyvalues"), RETURNING included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Row, Table, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Base


def insert_ignore_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    conflict: Sequence[str] | None,
    returning: Sequence[str],
) -> list[Row[Any]]:
    """INSERT .. ON CONFLICT DO NOTHING of `rows` (all with the same keys), on a conflict of
    the `conflict` columns (of any unique constraint when None); the `returning` columns of
    the rows inserted."""
    if not rows:
        return []
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        module.insert(table)
        .on_conflict_do_nothing(index_elements=list(conflict) if conflict else None)
        .returning(*(table.c[name] for name in returning))
    )
    return list(session.execute(statement, list(rows)))


def insert_ignore(
    session: Session,
    model: type[Base],
    values: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    conflict: Sequence[str] | None = None,
) -> int:
    """Insert one row or several unless they collide; returns the number inserted."""
    rows = [values] if isinstance(values, Mapping) else list(values)
    table = model.__table__
    keys = [column.name for column in table.primary_key.columns]
    return len(insert_ignore_rows(session, table, rows, conflict, keys))


def update_by_key(
    session: Session, table: Table, key: str, column: str, values: Mapping[Any, Any]
) -> None:
    """Set `column` to `values[k]` on the row whose `key` is k, for every k, as one
    executemany, in key order so that concurrent writers lock rows in the same order."""
    if not values:
        return
    statement = (
        update(table)
        .where(table.c[key] == bindparam("_key"))
        .values({column: bindparam("_value")})
    )
    session.execute(statement, [{"_key": k, "_value": v} for k, v in sorted(values.items())])
