"""`ministry-watch normalise --site KEY (--run KEY | --reprocess)`: the normalise stage.

`--run` judges the run's new captures; `--reprocess` re-derives every edition's content
from the stored raw captures and names the editions whose version was rebuilt.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

from pipeline.normalise import normalise
from scrapers.sitefile import load_site
from storage.db import create_db_engine
from storage.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("normalise", help="turn a run's captures into versions")
    p.add_argument("--site", required=True, help="site key (scrapers/sites/KEY.yaml)")
    p.add_argument("--run", help="the run whose captures to normalise")
    p.add_argument("--reprocess", action="store_true",
                   help="re-derive every version of the site from stored captures")
    p.add_argument("--base-url", help="the site's base URL when it is not the site file's")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    p.set_defaults(func=cmd_normalise)


def reprocess_key(site_key: str) -> str:
    return f"reprocess-{site_key}-{datetime.now(UTC):%Y%m%dT%H%M%S.%fZ}"


def cmd_normalise(args: argparse.Namespace) -> int:
    if bool(args.run) == bool(args.reprocess):
        raise InputError("normalise needs exactly one of --run KEY and --reprocess")
    site = load_site(args.site, base_url=args.base_url)
    run_key = args.run or reprocess_key(site.key)
    result = normalise(create_db_engine(), site, run_key, reprocess=args.reprocess)
    if args.json:
        print(json.dumps({"run": run_key, "processed": result.processed, **result.counts()},
                         ensure_ascii=False))
        return 0
    counts = result.counts()
    unusable = ", ".join(f"{k} {v}" for k, v in counts["unusable"].items()) or "none"
    print(f"run {run_key}: {result.processed} examined, {result.versions} "
          f"{'rebuilt' if args.reprocess else 'new'} versions, {result.unchanged} unchanged, "
          f"{result.not_modified} not modified, {result.gone} gone, {result.errors} errors, "
          f"unusable: {unusable}")
    for name in result.rebuilt:
        print(f"rebuilt {name}")
    return 0
