"""`ministry-watch db upgrade|current`: apply the migrations to the configured database."""

from __future__ import annotations

import argparse

from storage.db import create_db_engine
from storage.migrate import current_revision, upgrade


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("db", help="manage the database schema")
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    up = actions.add_parser("upgrade", help="migrate the database to the latest schema")
    up.set_defaults(func=cmd_upgrade)
    cur = actions.add_parser("current", help="print the schema revision of the database")
    cur.set_defaults(func=cmd_current)


def cmd_upgrade(args: argparse.Namespace) -> int:
    engine = create_db_engine()
    upgrade(engine)
    print(f"database at {current_revision(engine)}: {engine.url.render_as_string(True)}")
    return 0


def cmd_current(args: argparse.Namespace) -> int:
    print(current_revision(create_db_engine()) or "empty")
    return 0
