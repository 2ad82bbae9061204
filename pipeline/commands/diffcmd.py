"""`diff`: show the edit between two versions of an edition, or run the diff stage for a run.

`ministry-watch diff SOURCE_ID --lang L [--from N --to M]` reads; `ministry-watch diff
--run KEY --site KEY` computes the changes of a run (`pipeline.diffing.diff_run`).
"""

from __future__ import annotations

import argparse

from pipeline.diffing import diff_run
from pipeline.render import coloured_edit, dump_json, use_colour
from pipeline.versiondiff import version_diff
from scrapers.sitefile import load_site
from storage.db import create_db_engine, transaction
from storage.errors import InputError
from storage.records import to_plain


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("diff", help="the edit between two versions, or the diff stage")
    p.add_argument("source_id", nargs="?")
    p.add_argument("--lang")
    p.add_argument("--site")
    p.add_argument("--from", dest="from_seq", type=int, help="older version (default: to - 1)")
    p.add_argument("--to", dest="to_seq", type=int, help="newer version (default: current)")
    p.add_argument("--run", help="run the diff stage for this run key instead (needs --site)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    p.add_argument("--json", action="store_true", help="print JSON instead of coloured text")
    p.set_defaults(func=cmd_diff)


def cmd_diff(args: argparse.Namespace) -> int:
    if args.run:
        return run_stage(args)
    if not args.source_id or not args.lang:
        raise InputError("diff needs SOURCE_ID and --lang (or --run KEY --site KEY)")
    with transaction(create_db_engine()) as session:
        found = version_diff(session, args.source_id, args.lang, args.from_seq, args.to_seq,
                             args.site)
    if args.json:
        dump_json({**to_plain(found), "title_ops": found.title_ops, "body_ops": found.body_ops})
        return 0
    colour = use_colour(args.color)
    print(f"{found.new.source_id} [{found.new.lang}] version {found.old.seq} → {found.new.seq}"
          f" ({found.old.observed_at:%Y-%m-%d} → {found.new.observed_at:%Y-%m-%d})")
    print(coloured_edit(found.title_ops, colour))
    print()
    print(coloured_edit(found.body_ops, colour))
    return 0


def run_stage(args: argparse.Namespace) -> int:
    if not args.site:
        raise InputError("diff --run needs --site")
    if args.source_id:
        raise InputError("diff --run takes no SOURCE_ID")
    result = diff_run(create_db_engine(), load_site(args.site), args.run)
    if args.json:
        dump_json({"run_key": result.run_key, "recorded": result.recorded, **result.counts()})
        return 0
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(result.kinds.items())) or "none"
    print(f"run {result.run_key}: {result.recorded} changes recorded; changes by kind: {kinds}")
    return 0
