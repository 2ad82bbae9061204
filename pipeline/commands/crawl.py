"""`ministry-watch crawl --site KEY [--run KEY] [--base-url URL] [--lang L ...]
[--no-politeness] [--json]`: crawl a site into a run and print the crawl counts."""

from __future__ import annotations

import argparse
import json

from pipeline.crawl import CrawlResult, crawl
from pipeline.run import new_run_key


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("crawl", help="fetch a site's statement pages into a run")
    p.add_argument("--site", required=True, help="site key (scrapers/sites/KEY.yaml) or path")
    p.add_argument("--run", help="the run to crawl into (default: a new key)")
    p.add_argument("--base-url", help="the site's base URL when it is not the site file's")
    p.add_argument("--lang", action="append", metavar="L",
                   help="crawl only this language (repeatable); default: every language")
    p.add_argument("--no-politeness", action="store_true",
                   help="no delay or AutoThrottle, more concurrency (testbeds only)")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    p.set_defaults(func=cmd_crawl)


def describe(result: CrawlResult) -> str:
    counts = result.counts
    statuses = ", ".join(f"{k} {v}" for k, v in counts.get("by_status", {}).items()) or "none"
    return (
        f"run {result.run_key} [{result.shard}]: {result.responses} pages, "
        f"{result.captures} captures ({statuses}), "
        f"{counts.get('new_statements', 0)} new statements, "
        f"{counts.get('editions_rechecked', 0)} editions re-checked, {result.errors} errors"
    )


def cmd_crawl(args: argparse.Namespace) -> int:
    run_key = args.run or new_run_key(args.site)
    result = crawl(args.site, run_key, base_url=args.base_url, languages=args.lang,
                   polite=not args.no_politeness)
    if args.json:
        print(json.dumps({"run": run_key, "shard": result.shard, **result.counts},
                         ensure_ascii=False))
    else:
        print(describe(result))
    return 0
