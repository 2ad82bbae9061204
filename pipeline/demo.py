"""`make demo`: two nights of the whole pipeline against the local testbed, then a summary.

Everything lands under `data/demo/` (SQLite database, `.eml` outbox), so the demo never
touches the default database and can be run again from scratch.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

from sqlalchemy import Engine, func, select

from pipeline.report import editions_by_language
from pipeline.run import PipelineOptions, run_pipeline
from pipeline.testbed_process import PROJECT_ROOT, TestbedProcess
from storage.db import DATA_DIR_VARIABLE, create_db_engine, transaction
from storage.migrate import upgrade
from storage.models import Alert, Change

DEMO_SUBSCRIPTIONS = PROJECT_ROOT / "testbed" / "demo-alerts.yaml"


def run_demo(directory: Path, statements: int = 60, say=print) -> str:  # type: ignore[no-untyped-def]
    """Crawl nights 0 and 1 of a fresh testbed into `directory`; returns the summary text."""
    if directory.exists():
        shutil.rmtree(directory)
    (directory / "outbox").mkdir(parents=True)
    os.environ[DATA_DIR_VARIABLE] = str(directory)
    os.environ.pop("MINISTRY_WATCH_DATABASE_URL", None)
    os.environ.pop("MINISTRY_WATCH_SMTP_URL", None)
    engine = create_db_engine()
    upgrade(engine)
    reports = []
    with TestbedProcess(statements=statements) as testbed:
        say(f"testbed serving {statements + 1} statements at {testbed.base_url}")
        for night in (0, 1):
            if night:
                testbed.advance()
                say("testbed moved to night 1: statements edited, published and removed")
            say(f"night {night}:")
            report = run_pipeline(
                engine,
                "testbed",
                f"testbed:demo-night-{night}",
                PipelineOptions(
                    base_url=testbed.base_url,
                    polite=False,
                    recheck_all=True,
                    subscriptions_path=str(DEMO_SUBSCRIPTIONS),
                ),
                progress=lambda message: say(f"  {message}"),
            )
            reports.append(report)
    return summary(engine, directory, reports)


def summary(engine: Engine, directory: Path, reports: list[dict]) -> str:
    lines = ["", "ministry-watch demo: summary", ""]
    lines.append("editions per language (state: count)")
    for lang, states in editions_by_language(engine, "testbed").items():
        lines.append(f"  {lang}: " + ", ".join(f"{s} {n}" for s, n in sorted(states.items())))
    for night, report in enumerate(reports):
        changes = ", ".join(f"{k} {v}" for k, v in sorted(report["changes"].items())) or "none"
        captures = sum(report["captures"].values())
        lines.append(f"night {night}: {captures} pages captured; changes: {changes}")
    lines += _alert_lines(engine, directory)
    lines += [
        "",
        f"database: {directory / 'ministry-watch.sqlite3'}",
        f"mails:    {directory / 'outbox'}",
        f"browse:   {DATA_DIR_VARIABLE}={directory} .venv/bin/ministry-watch serve",
        f"          {DATA_DIR_VARIABLE}={directory} .venv/bin/ministry-watch history 1950123",
    ]
    return "\n".join(lines)


def _alert_lines(engine: Engine, directory: Path) -> list[str]:
    with transaction(engine) as session:
        by_status = Counter(
            dict(session.execute(select(Alert.status, func.count()).group_by(Alert.status)).all())
        )
        edited = (
            session.scalar(select(func.count()).select_from(Change).where(Change.kind == "edited"))
            or 0
        )
    mails = len(list((directory / "outbox").glob("*.eml")))
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(by_status.items())) or "none"
    return [f"alerts: {statuses}; {mails} mails written; {edited} edits recorded in all"]


def demo_directory() -> Path:
    return Path(os.environ.get(DATA_DIR_VARIABLE) or "data") / "demo"
