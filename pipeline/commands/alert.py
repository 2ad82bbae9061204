"""`ministry-watch alert --run KEY [--subscriptions PATH]`: the alert stage for one run."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from pipeline.alerting import AlertResult, alert_run
from pipeline.mail.transport import Transport, load_transport
from pipeline.subscriptions import load_subscriptions
from storage.db import create_db_engine


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "alert",
        help="mail the changes of a run to their subscribers and retry pending alerts",
        description=(
            "Match the run's changes against the subscriptions file, queue the alerts, send "
            "every due alert (SMTP from MINISTRY_WATCH_SMTP_URL, else .eml files under "
            "<data dir>/outbox/) and mark each one sent or failed."
        ),
    )
    parser.add_argument("--run", required=True, metavar="KEY", help="the run whose changes")
    parser.add_argument(
        "--subscriptions",
        metavar="PATH",
        help="the subscriptions file (default: $MINISTRY_WATCH_ALERTS, else ./alerts.yaml)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=cmd_alert)


def cmd_alert(args: argparse.Namespace) -> int:
    subscriptions = load_subscriptions(args.subscriptions)
    transport = load_transport()
    engine = create_db_engine()
    try:
        result = alert_run(engine, args.run, subscriptions=subscriptions, transport=transport)
    finally:
        engine.dispose()
    print(json.dumps(asdict(result), indent=2) if args.json else summary(result, transport))
    return 0


def summary(result: AlertResult, transport: Transport) -> str:
    """The result as a few lines for a person."""
    lines = [
        f"run {result.run_key}: {result.queued} queued, {result.sent} sent in "
        f"{result.messages} mail(s) via {transport.describe()}, "
        f"{result.failed} failed, {result.pending} pending"
    ]
    lines += [f"  send error: {error}" for error in result.errors]
    lines += [
        f"  failed: alert {f.alert_id} to {f.recipient} (change {f.change_id}) after "
        f"{f.attempts} attempts: {f.error}"
        for f in result.failures
    ]
    return "\n".join(lines)
