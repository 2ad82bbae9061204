"""Set-based writes of a batch of rows, for the crawl's capture batches.

`storage.upsert.insert_ignore` builds one multi-row VALUES statement, which SQLAlchemy compiles
anew for every batch (the rows are part of the statement); here the statement is compiled once
and cached, and the rows go as an executemany that SQLAlchemy sends as multi-row VALUES pages
("insertmanyvalues") on both backends, RETURNING included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Row, Table, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignore_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    conflict: Sequence[str],
    returning: Sequence[str],
) -> list[Row[Any]]:
    """INSERT .. ON CONFLICT (`conflict`) DO NOTHING of `rows` (all with the same keys);
    the `returning` columns of the rows inserted."""
    if not rows:
        return []
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        module.insert(table)
        .on_conflict_do_nothing(index_elements=list(conflict))
        .returning(*(table.c[name] for name in returning))
    )
    return list(session.execute(statement, list(rows)))


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
