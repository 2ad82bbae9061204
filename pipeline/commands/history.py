"""`history`, `show`, `changes`, `search`, `export`: the analysts' read commands.

Each opens the configured database, calls one query of `storage.history` or
`storage.search`, and prints a table (or JSON with `--json`).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys

from pipeline.moments import parse_moment
from pipeline.render import dump_json, marked, table, use_colour
from storage.db import create_db_engine, transaction
from storage.history import (
    ChangeFilter,
    get_version,
    iter_changes,
    list_changes,
    statement_history,
    version_at,
)
from storage.history_export import VERSION_COLUMNS, iter_versions
from storage.records import ChangeInfo, to_plain
from storage.search import search

CHANGE_COLUMNS = tuple(ChangeInfo.__dataclass_fields__)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("history", help="a statement's editions, versions and changes")
    p.add_argument("source_id")
    _site_lang(p)
    _json(p).set_defaults(func=cmd_history)

    p = subparsers.add_parser("show", help="the text of an edition as it was")
    p.add_argument("source_id")
    p.add_argument("--lang", required=True)
    p.add_argument("--site")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--version", type=int, help="version number (default: the current)")
    which.add_argument("--at", help="the version current at this moment (YYYY-MM-DD[THH:MM])")
    _json(p).set_defaults(func=cmd_show)

    p = subparsers.add_parser("changes", help="changes detected, newest first")
    _change_filters(p)
    p.add_argument("--limit", type=int, default=50)
    _json(p).set_defaults(func=cmd_changes)

    p = subparsers.add_parser("search", help="full-text search over every version")
    p.add_argument("text")
    _site_lang(p)
    p.add_argument("--limit", type=int, default=20)
    _json(p).set_defaults(func=cmd_search)

    p = subparsers.add_parser("export", help="stream versions or changes as CSV or JSON lines")
    p.add_argument("--format", choices=("csv", "jsonl"), required=True)
    p.add_argument("--what", choices=("versions", "changes"), default="versions")
    _change_filters(p)
    p.set_defaults(func=cmd_export)


def _site_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site")
    parser.add_argument("--lang")


def _json(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parser


def _change_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", help="from this moment (YYYY-MM-DD[THH:MM])")
    parser.add_argument("--until", help="up to this moment")
    _site_lang(parser)
    parser.add_argument("--kind")
    parser.add_argument("--significance")


def change_filter(args: argparse.Namespace) -> ChangeFilter:
    return ChangeFilter(
        since=parse_moment(args.since, "--since") if args.since else None,
        until=parse_moment(args.until, "--until") if args.until else None,
        site=args.site, lang=args.lang, kind=args.kind, significance=args.significance,
    )


def cmd_history(args: argparse.Namespace) -> int:
    with transaction(create_db_engine()) as session:
        found = statement_history(session, args.source_id, args.site, args.lang)
    if args.json:
        dump_json(found)
        return 0
    print(f"statement {found.source_id} on {found.site}, first seen {found.first_seen_at:%Y-%m-%d}")
    table(
        ("lang", "state", "versions", "current", "url"),
        [(e.lang, e.state, len(e.versions), e.current_seq, e.url) for e in found.editions],
    )
    print()
    table(("when", "lang", "what", "version", "detail"),
          [(ev.at, ev.lang, ev.what, ev.seq, ev.detail) for ev in found.timeline()])
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with transaction(create_db_engine()) as session:
        if args.at:
            version = version_at(session, args.source_id, args.lang,
                                 parse_moment(args.at, "--at"), args.site)
        else:
            seq = args.version or statement_history(
                session, args.source_id, args.site, args.lang
            ).editions[0].current_seq or 1
            version = get_version(session, args.source_id, args.lang, seq, args.site)
    if args.json:
        dump_json(version)
        return 0
    state = "current" if version.current else "superseded"
    print(f"{version.source_id} [{version.lang}] version {version.seq} ({state}), "
          f"seen {version.observed_at:%Y-%m-%d %H:%M} UTC")
    print(version.title)
    print()
    print(version.body)
    return 0


def cmd_changes(args: argparse.Namespace) -> int:
    filters = change_filter(args)
    with transaction(create_db_engine()) as session:
        page = list_changes(session, filters, limit=args.limit)
    if args.json:
        dump_json(page)
        return 0
    table(("detected", "site", "statement", "lang", "kind", "significance", "versions", "title"),
          [(c.detected_at, c.site, c.source_id, c.lang, c.kind, c.significance,
            f"{c.from_seq or '-'}→{c.to_seq or '-'}", c.title) for c in page.items])
    print(f"{len(page.items)} of {page.total} changes")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    with transaction(create_db_engine()) as session:
        hits = search(session, args.text, lang=args.lang, site=args.site, limit=args.limit)
    if args.json:
        dump_json([{**to_plain(h), "snippet": marked(h.snippet, False)} for h in hits])
        return 0
    colour = use_colour("auto")
    table(("statement", "lang", "version", "current", "seen", "snippet"),
          [(h.source_id, h.lang, h.seq, "yes" if h.current else "no", h.observed_at,
            marked(h.snippet, False)) for h in hits])
    if colour and hits:
        print(f"\n{marked(hits[0].snippet, True)}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    filters = change_filter(args)
    with transaction(create_db_engine()) as session:
        if args.what == "changes":
            rows = (to_plain(c) for c in iter_changes(session, filters))
            columns: tuple[str, ...] = CHANGE_COLUMNS
        else:
            rows = (to_plain(v) for v in iter_versions(
                session, filters.site, filters.lang, filters.since, filters.until))
            columns = VERSION_COLUMNS
        write_rows(rows, columns, args.format)
    return 0


def write_rows(rows, columns: tuple[str, ...], fmt: str) -> None:  # type: ignore[no-untyped-def]
    """Write each row as soon as it is read: nothing is collected in memory."""
    if fmt == "jsonl":
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: json.dumps(v) if isinstance(v, list) else v for k, v in row.items()})
