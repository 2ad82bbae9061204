"""Two `ministry-watch run` processes on the same night at once, with the same run key and with
two run keys: no row twice, both finish (or one refuses in one line), no mail twice, and the
changes recorded are the night's truth."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.db import create_db_engine, transaction
from storage.models import Capture, Version
from testbed.server import TestbedHandle, serve_in_thread
from tests.alert_helpers import SmtpServer
from tests.test_reliability_support import (
    Installation,
    Snapshot,
    duplicates,
    snapshot,
    truth_changes,
    wait,
)

STATEMENTS = 20


@pytest.fixture
def replica() -> Iterator[TestbedHandle]:
    with serve_in_thread(statements=STATEMENTS) as handle:
        yield handle


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    try:
        yield server
    finally:
        server.stop()


def _run_together(installation: Installation, base_url: str, run_keys: list[str]) -> list[str]:
    """Start one process per key at once; the output of each that did not finish cleanly."""
    processes = [installation.start(base_url, key) for key in run_keys]
    statuses = [wait(process) for process in processes]
    logs = installation.logs[-len(run_keys):]
    return [log.read_text(encoding="utf-8", errors="replace")[-3000:]
            for status, log in zip(statuses, logs, strict=True) if status != 0]


def _assert_nothing_twice(after: Snapshot, smtp: SmtpServer) -> None:
    assert duplicates(after.versions) == []
    assert duplicates([(v[0], v[1], v[2]) for v in after.versions]) == []
    assert duplicates(after.changes) == []
    assert duplicates([a[:2] for a in after.alerts]) == []
    assert duplicates([str(m["Message-ID"]) for m in smtp.mailbox.messages]) == []
    assert all(status == "sent" for _, _, status in after.alerts)


def _versions_point_at_their_captures(db_url: str) -> list[tuple[int, str | None]]:
    """(version id, outcome) of every version whose capture does not say `version`."""
    engine = create_db_engine(db_url)
    try:
        with transaction(engine) as session:
            rows = session.execute(
                select(Version.id, Capture.outcome)
                .join(Capture, Capture.id == Version.capture_id)
                .where(Capture.outcome != "version")
            ).all()
            return [tuple(row) for row in rows]
    finally:
        engine.dispose()


def test_two_runs_with_the_same_key_at_once_record_the_night_once(
    backend: str, replica: TestbedHandle, db_url: str, smtp: SmtpServer, tmp_path: Path
) -> None:
    installation = Installation(db_url, tmp_path, smtp_url=smtp.url)
    failures = _run_together(installation, replica.base_url, ["night-0", "night-0"])
    for output in failures:
        assert "ministry-watch: error:" in output and output.count("Traceback") == 0, output
    assert len(failures) <= 1
    after = snapshot(db_url)
    assert after.changes_of("night-0") == truth_changes(replica.truth())
    assert after.runs == [("night-0", "finished")]
    _assert_nothing_twice(after, smtp)
    assert _versions_point_at_their_captures(db_url) == []


def test_two_runs_of_one_night_with_two_keys_record_each_change_once(
    backend: str, replica: TestbedHandle, db_url: str, smtp: SmtpServer, tmp_path: Path
) -> None:
    installation = Installation(db_url, tmp_path, smtp_url=smtp.url)
    installation.run(replica.base_url, "night-0")
    replica.set_night(1)
    failures = _run_together(installation, replica.base_url, ["night-1a", "night-1b"])
    assert failures == []
    after = snapshot(db_url)
    both = sorted(after.changes_of("night-1a") + after.changes_of("night-1b"))
    assert both == truth_changes(replica.truth())
    assert after.runs == [("night-0", "finished"), ("night-1a", "finished"),
                          ("night-1b", "finished")]
    _assert_nothing_twice(after, smtp)
    assert _versions_point_at_their_captures(db_url) == []
