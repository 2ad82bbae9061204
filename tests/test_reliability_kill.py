"""SIGKILL `ministry-watch run` (the CLI and its Scrapy child) in the middle of a night, run it
again with the same run key: the database ends as after an uninterrupted night, on SQLite and
PostgreSQL, and no alert is mailed twice."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from storage.types import utcnow
from testbed.server import TestbedHandle, serve_in_thread
from tests import databases
from tests.test_reliability_support import (
    Installation,
    Snapshot,
    copy_database,
    duplicates,
    kill_when,
    run_state,
    slow_smtp_server,
    snapshot,
    unsent_alerts,
    wait,
)

STATEMENTS = 80
# Slow answers on two languages keep the crawl going after its first batch of captures is
# stored, so the mid-crawl kill has a moment to fall in.
SLOW_PAGES = [{"name": "slow", "paths": "/es/*", "seconds": 2.5},
              {"name": "slow", "paths": "/fr/*", "seconds": 2.5}]
NIGHTS = ("night-0", "night-1")


@pytest.fixture(scope="module")
def replica() -> Iterator[TestbedHandle]:
    with serve_in_thread(statements=STATEMENTS) as handle:
        yield handle


@pytest.fixture(scope="module")
def night_0(
    backend: str, replica: TestbedHandle, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database of `backend` after an uninterrupted night 0; every case starts from a copy."""
    url = _database(backend, tmp_path_factory)
    try:
        replica.set_night(0)
        replica.set_faults([])
        Installation(url, tmp_path_factory.mktemp("night-0")).run(replica.base_url, "night-0")
        yield url
    finally:
        _drop(backend, url)


@pytest.fixture(scope="module")
def reference(
    backend: str, night_0: str, replica: TestbedHandle, tmp_path_factory: pytest.TempPathFactory
) -> Snapshot:
    """Night 1 run without interruption after night 0."""
    directory = tmp_path_factory.mktemp("reference")
    url = copy_database(backend, night_0, directory)
    try:
        replica.set_night(1)
        replica.set_faults([])
        Installation(url, directory).run(replica.base_url, "night-1")
        return snapshot(url)
    finally:
        _drop(backend, url)


@pytest.fixture
def after_night_0(backend: str, night_0: str, tmp_path: Path) -> Iterator[str]:
    url = copy_database(backend, night_0, tmp_path)
    try:
        yield url
    finally:
        _drop(backend, url)


def _database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    if backend == "sqlite":
        directory = tmp_path_factory.mktemp("sqlite")
        return databases.create_sqlite_database(
            databases.create_sqlite_template(directory), directory
        )
    template = databases.create_pg_template()
    try:
        return databases.create_pg_database(template)
    finally:
        databases.drop_pg_database(template)


def _drop(backend: str, url: str) -> None:
    if backend == "postgres":
        databases.drop_pg_database(url)


def _mid_crawl(state: dict[str, Any]) -> bool:
    return state["captures"] > 0 and "crawl" not in state["counts"]


def _crawl_reported(state: dict[str, Any]) -> bool:
    return "crawl" in state["counts"]


def _first_alert_sent(state: dict[str, Any]) -> bool:
    return state["alerts_sent"] > 0


MOMENTS: dict[str, Callable[[dict[str, Any]], bool]] = {
    "mid-crawl": _mid_crawl,
    "after-crawl-report": _crawl_reported,
    "mid-alert-sending": _first_alert_sent,
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_a_night_killed_and_run_again_ends_as_an_uninterrupted_night(
    moment: str, reference: Snapshot, replica: TestbedHandle, after_night_0: str, tmp_path: Path
) -> None:
    db_url = after_night_0
    smtp = slow_smtp_server()
    try:
        installation = Installation(db_url, tmp_path / "killed", smtp_url=smtp.url)
        replica.set_night(1)
        replica.set_faults(SLOW_PAGES if moment == "mid-crawl" else [])
        process = installation.start(replica.base_url, "night-1")

        def ready() -> bool:
            state = run_state(db_url, "night-1")
            return state is not None and MOMENTS[moment](state)

        assert kill_when(process, ready), f"night 1 finished before the {moment} kill"
        interrupted = run_state(db_url, "night-1")
        assert interrupted is not None and interrupted["status"] == "running"
        if moment == "mid-crawl":
            assert "crawl" not in interrupted["counts"]

        replica.set_faults([])
        rerun = installation.start(replica.base_url, "night-1")
        assert wait(rerun) == 0, installation.last_log()
        after = snapshot(db_url)
        unsent = unsent_alerts(db_url)
        mails = [str(m["Message-ID"]) for m in smtp.mailbox.messages]
    finally:
        smtp.stop()

    assert after.versions == reference.versions
    assert after.changes == reference.changes
    assert after.editions == reference.editions
    assert after.runs == [(key, "finished") for key in NIGHTS]
    assert [a[:2] for a in after.alerts] == [a[:2] for a in reference.alerts]
    assert duplicates(after.versions) == duplicates(after.changes) == []
    assert duplicates(mails) == []
    if moment == "mid-alert-sending":
        _assert_only_the_message_in_flight_waits(unsent, interrupted)
    else:
        assert unsent == []


def _assert_only_the_message_in_flight_waits(
    unsent: list[dict[str, Any]], interrupted: dict[str, Any]
) -> None:
    """The kill may fall between handing a message to SMTP and marking it sent. Its alerts
    stay claimed (pending, next attempt later) rather than risk mailing them twice; every
    other alert of the night was sent by the re-run."""
    assert len({a["message"] for a in unsent}) <= 1, unsent
    for alert in unsent:
        assert alert["status"] == "pending" and alert["next_attempt_at"] is not None, alert
        assert alert["next_attempt_at"] > utcnow(), alert
