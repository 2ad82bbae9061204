"""`ministry-watch check SOURCE_ID [--site KEY] [--base-url URL]`: check one statement now."""

from __future__ import annotations

import argparse
import json

from pipeline.check import check_statement
from scrapers.sitefile import load_site
from storage.db import create_db_engine


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("check", help="fetch one statement's editions now and diff them")
    p.add_argument("source_id", help="the statement's id, or the URL of one of its editions")
    p.add_argument("--site", default="mid", help="site key (default: mid)")
    p.add_argument("--base-url", help="the site's base URL when it is not the site file's")
    p.add_argument("--json", action="store_true", help="print the changes as JSON")
    p.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    site = load_site(args.site, base_url=args.base_url)
    result = check_statement(create_db_engine(), site, args.source_id)
    if args.json:
        print(json.dumps({"run": result.run_key, "fetched": len(result.captures),
                          "normalise": result.normalised.counts(),
                          "changes": [c.__dict__ for c in result.changes]}, ensure_ascii=False))
        return 0
    print(f"run {result.run_key}: {len(result.captures)} editions fetched, "
          f"{len(result.changes)} changes")
    for change in result.changes:
        print(change)
    return 0
