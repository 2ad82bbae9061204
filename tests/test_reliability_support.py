"""Shared pieces of the reliability suite (no tests here): an installation of ministry-watch
(database, data directory, site files, subscriptions) driven through the real `ministry-watch
run` command, a slow SMTP server, and what a database holds, read back for comparison."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import aliased

from pipeline.mail.transport import SMTP_URL_VARIABLE
from scrapers.sitefile import SITES_DIR, SITES_DIR_VARIABLE
from storage.db import DATA_DIR_VARIABLE, URL_VARIABLE, create_db_engine, transaction
from storage.models import Alert, Capture, Change, Edition, Run, Statement, Version
from tests import databases
from tests.alert_helpers import Mailbox, SmtpServer

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "pipeline.cli"]
RUN_TIMEOUT_S = 180.0
EVERYTHING = ["created", "edited", "removed", "restored", "translation_added"]

SUBSCRIPTIONS = {
    "sender": "ministry-watch <alerts@example.org>",
    "recipients": [
        {"email": "desk@example.org", "sites": ["testbed"], "min_significance": "cosmetic",
         "kinds": ["edited", "removed", "restored", "translation_added"]},
        {"email": "archive@example.org", "mode": "digest", "kinds": EVERYTHING,
         "min_significance": "cosmetic"},
    ],
}


def polite_sites(directory: Path, politeness: dict[str, Any]) -> Path:
    """A copy of the site files whose testbed.yaml has these politeness settings."""
    target = directory / "sites"
    shutil.copytree(SITES_DIR, target)
    path = target / "testbed.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["politeness"] = {**data["politeness"], **politeness}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


@dataclass
class Installation:
    """One deployment of ministry-watch: its database, data directory (`.eml` outbox), site
    files (the shipped ones, or a copy with `politeness` changed) and subscriptions, and how
    `ministry-watch run` is started against it.

    Each night re-checks every known edition (`--recheck-all`): the testbed's statements date
    from 2020, so the shipped policy would re-check only a rotating slice of them, and
    comparing a night with its truth needs every edition looked at."""

    db_url: str
    home: Path
    smtp_url: str | None = None
    politeness: dict[str, Any] | None = None
    logs: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        self.sites = polite_sites(self.home, self.politeness) if self.politeness else None
        self.subscriptions = self.home / "alerts.yaml"
        self.subscriptions.write_text(yaml.safe_dump(SUBSCRIPTIONS), encoding="utf-8")

    @property
    def outbox(self) -> Path:
        return self.home / "data" / "outbox"

    def env(self) -> dict[str, str]:
        env = {**os.environ, URL_VARIABLE: self.db_url, DATA_DIR_VARIABLE: str(self.home / "data")}
        env.pop(SITES_DIR_VARIABLE, None)
        if self.sites:
            env[SITES_DIR_VARIABLE] = str(self.sites)
        env.pop(SMTP_URL_VARIABLE, None)
        if self.smtp_url:
            env[SMTP_URL_VARIABLE] = self.smtp_url
        return env

    def start(self, base_url: str, run_key: str) -> subprocess.Popen[bytes]:
        """`ministry-watch run` in a process group of its own (the CLI and its Scrapy child)."""
        log = self.home / f"{run_key}.{len(self.logs)}.log"
        self.logs.append(log)
        command = CLI + ["run", "--site", "testbed", "--base-url", base_url, "--run", run_key,
                         "--no-politeness", "--recheck-all", "--subscriptions",
                         str(self.subscriptions)]
        with log.open("wb") as out:
            return subprocess.Popen(command, cwd=PROJECT_ROOT, env=self.env(), stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)

    def run(self, base_url: str, run_key: str) -> None:
        """Run a night to the end; a failure shows the command's output."""
        process = self.start(base_url, run_key)
        status = wait(process)
        assert status == 0, f"ministry-watch run {run_key} exited {status}:\n{self.last_log()}"

    def last_log(self) -> str:
        return self.logs[-1].read_text(encoding="utf-8", errors="replace")[-4000:]


def wait(process: subprocess.Popen[bytes], timeout: float = RUN_TIMEOUT_S) -> int:
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        raise


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process group of `process` (the CLI and its Scrapy child) and reap it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def kill_when(
    process: subprocess.Popen[bytes], ready: Callable[[], bool], timeout: float = RUN_TIMEOUT_S
) -> bool:
    """Poll `ready` until it holds, then SIGKILL the process group; False when the process
    ended on its own first (the moment was missed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if ready():
            kill_group(process)
            return True
        time.sleep(0.01)
    kill_group(process)
    raise AssertionError("the moment to kill never came")


class SlowMailbox(Mailbox):
    """Accepts every message, each after `delay` seconds, so sending lasts long enough to be
    interrupted."""

    delay = 0.4

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


def slow_smtp_server() -> SmtpServer:
    server = SmtpServer()
    server.mailbox = SlowMailbox()
    return server.start()


def run_state(db_url: str, run_key: str) -> dict[str, Any] | None:
    """The run's status, stage counts and number of captures; None before the run exists."""
    engine = create_db_engine(db_url)
    try:
        with transaction(engine) as session:
            run = session.scalars(select(Run).where(Run.key == run_key)).one_or_none()
            if run is None:
                return None
            captures = session.scalar(select(func.count()).where(Capture.run_id == run.id))
            sent = session.scalar(
                select(func.count()).where(Alert.run_id == run.id, Alert.status == "sent")
            )
            return {"status": run.status, "counts": run.counts, "captures": captures,
                    "alerts_sent": sent, "errors": run.errors}
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Snapshot:
    """What a database says happened, in terms that do not depend on row ids."""

    versions: list[tuple[str, str, int, str]]
    changes: list[tuple[str, str, str, str, tuple[str, ...], str | None]]
    alerts: list[tuple[str, tuple[Any, ...], str]]
    editions: list[tuple[str, str, str]]
    runs: list[tuple[str, str]]

    def changes_of(self, run_key: str) -> list[tuple[str, str, str, tuple[str, ...]]]:
        return sorted((sid, lang, kind, fields)
                      for key, sid, lang, kind, fields, _ in self.changes if key == run_key)


def snapshot(db_url: str) -> Snapshot:
    engine = create_db_engine(db_url)
    try:
        with transaction(engine) as session:
            return Snapshot(
                versions=sorted(session.execute(
                    select(Statement.source_id, Edition.lang, Version.seq, Version.content_hash)
                    .join(Edition, Edition.id == Version.edition_id)
                    .join(Statement, Statement.id == Edition.statement_id)
                ).all()),
                changes=sorted(_changes(session).values()),
                alerts=_alerts(session),
                editions=sorted(session.execute(
                    select(Statement.source_id, Edition.lang, Edition.state)
                    .join(Statement, Statement.id == Edition.statement_id)
                ).all()),
                runs=sorted(session.execute(select(Run.key, Run.status)).all()),
            )
    finally:
        engine.dispose()


def _changes(session: Any) -> dict[int, tuple[str, str, str, str, tuple[str, ...], str | None]]:
    rows = session.execute(
        select(Change.id, Run.key, Statement.source_id, Edition.lang, Change.kind, Change.fields,
               Change.significance)
        .join(Run, Run.id == Change.run_id)
        .join(Edition, Edition.id == Change.edition_id)
        .join(Statement, Statement.id == Edition.statement_id)
    )
    return {cid: (key, sid, lang, kind, tuple(sorted(fields or [])), significance)
            for cid, key, sid, lang, kind, fields, significance in rows}


def _alerts(session: Any) -> list[tuple[str, tuple[Any, ...], str]]:
    changes = _changes(session)
    alert = aliased(Alert)
    rows = session.execute(select(alert.recipient, alert.change_id, alert.status))
    return sorted((recipient, changes[cid], status) for recipient, cid, status in rows)


def unsent_alerts(db_url: str) -> list[dict[str, Any]]:
    """Alerts not marked sent, with the claim that holds them back."""
    engine = create_db_engine(db_url)
    try:
        with transaction(engine) as session:
            return [
                {"id": a.id, "recipient": a.recipient, "status": a.status,
                 "message": a.digest_key or f"change:{a.id}", "next_attempt_at": a.next_attempt_at}
                for a in session.scalars(select(Alert).where(Alert.status != "sent"))
            ]
    finally:
        engine.dispose()


def copy_database(backend: str, url: str, directory: Path) -> str:
    """A new database holding what `url` holds (no process may be connected to `url`)."""
    if backend == "postgres":
        return databases.create_pg_database(make_url(url).database)
    source = Path(make_url(url).database or "")
    return databases.create_sqlite_database(source, directory)


def duplicates(rows: list[Any]) -> list[Any]:
    return [row for row, n in Counter(rows).items() if n > 1]


def truth_changes(truth: dict[str, Any]) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return sorted((c["source_id"], c["lang"], c["kind"], tuple(sorted(c["fields"])))
                  for c in truth["changes"])
