"""`ministry-watch run` (every stage for a site) and `ministry-watch demo`."""

from __future__ import annotations

import argparse
import json

from pipeline.report import format_report
from storage.db import create_db_engine


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser("run", help="crawl, normalise, diff and alert for one site")
    run.add_argument("--site", required=True, help="site key (scrapers/sites/KEY.yaml) or path")
    run.add_argument("--run", dest="run_key", help="run key (default: a new one from the time)")
    run.add_argument("--base-url", help="fetch the site from another base URL (a testbed)")
    run.add_argument("--lang", action="append", dest="languages", help="only this language")
    run.add_argument("--no-politeness", action="store_true", help="no delay (own testbed only)")
    run.add_argument("--recheck-all", action="store_true",
                     help="re-fetch every known edition, not only tonight's re-check slice")
    run.add_argument("--no-alerts", action="store_true", help="skip the alert stage")
    run.add_argument("--subscriptions", help="subscriptions file (default alerts.yaml)")
    run.add_argument("--json", action="store_true", help="print the run report as JSON")
    run.set_defaults(func=cmd_run)

    demo = subparsers.add_parser("demo", help="two nights against the local testbed")
    demo.add_argument("--statements", type=int, default=60, help="testbed size (default 60)")
    demo.set_defaults(func=cmd_demo)


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.run import PipelineOptions, new_run_key, run_pipeline
    from scrapers.sitefile import load_site

    site = load_site(args.site, base_url=args.base_url)
    engine = create_db_engine()
    options = PipelineOptions(
        base_url=args.base_url,
        languages=args.languages,
        polite=not args.no_politeness,
        recheck_all=args.recheck_all,
        alerts=not args.no_alerts,
        subscriptions_path=args.subscriptions,
    )
    run_key = args.run_key or new_run_key(site.key)
    report = run_pipeline(engine, args.site, run_key, options, progress=print)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from pipeline.demo import demo_directory, run_demo

    print(run_demo(demo_directory(), statements=args.statements))
    return 0
