"""Every testbed fault on at once, on the noise-only night: the night finishes, the faults are
in the run report, and not one change or alert is recorded that the truth does not have."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from pipeline.report import run_report
from storage.db import create_db_engine
from testbed.server import TestbedHandle, serve_in_thread
from tests.test_reliability_support import (
    Installation,
    duplicates,
    snapshot,
    truth_changes,
)

STATEMENTS = 20
NIGHT = 3
PER_EDITION = ("interstitial", "reset", "slow", "truncated", "error200", "malformed", "huge")
LASTING = ("reset", "slow", "truncated", "error200", "malformed", "huge")
QUICK = {"timeout_s": 2, "retries": 1}


def every_fault(truth: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Every fault at once: the page faults each on two live editions of their own, errors a
    retry gets past on whole languages, off-site links on the listings, and user-agent
    blocking everywhere (it lets our identified agent by). Returns the specs and the paths
    each page fault holds."""
    paths = [e["path"] for e in truth["editions"] if e["state"] == "live"]
    held = {name: paths[2 * i:2 * i + 2] for i, name in enumerate(PER_EDITION)}
    specs: list[dict[str, Any]] = [
        {"name": name, "paths": path, "seconds": 5} if name == "slow" else
        {"name": name, "paths": path}
        for name, taken in held.items() for path in taken
    ]
    specs += [
        {"name": "error500", "paths": "/de/*", "times": 2},
        {"name": "error503", "paths": "/fr/*", "times": 2},
        {"name": "ratelimit429", "paths": "/es/*", "times": 2, "seconds": 0.2},
        {"name": "offsite", "paths": "/*/foreign_policy/news/"},
        {"name": "ua403"},
    ]
    return specs, held


@pytest.fixture
def replica() -> Iterator[TestbedHandle]:
    with serve_in_thread(statements=STATEMENTS) as handle:
        yield handle


def test_every_fault_at_once_records_no_false_change_and_reports_the_errors(
    replica: TestbedHandle, db_url: str, tmp_path: Path
) -> None:
    installation = Installation(db_url, tmp_path, politeness=QUICK)
    for night in range(NIGHT):
        replica.set_night(night)
        installation.run(replica.base_url, f"night-{night}")
    replica.set_night(NIGHT)
    specs, held = every_fault(replica.truth())
    replica.set_faults(specs)
    installation.run(replica.base_url, f"night-{NIGHT}")
    served = {}
    for fault in replica.testbed.faults.as_json():
        served[fault["name"]] = served.get(fault["name"], 0) + fault["served"]
    engine = create_db_engine(db_url)
    try:
        report = run_report(engine, f"night-{NIGHT}")
    finally:
        engine.dispose()
    after = snapshot(db_url)

    assert all(served[name] > 0 for name in served if name != "ua403"), served
    assert report["status"] == "finished"
    reported = {urlsplit(e["url"]).path for e in report["errors"] if e["stage"] == "crawl"}
    for name in LASTING:
        assert set(held[name]) <= reported, (name, held[name], report["errors"])
    assert not set(held["interstitial"]) & reported

    assert replica.truth()["changes"] == []
    removed_before = {(c["source_id"], c["lang"], "removed", ())
                      for c in replica.truth(NIGHT - 1)["changes"] if c["kind"] == "removed"}
    assert set(after.changes_of(f"night-{NIGHT}")) <= removed_before
    assert all(a[1][3] == "removed" for a in after.alerts if a[1][0] == f"night-{NIGHT}")

    replica.set_faults([])
    replica.set_night(NIGHT + 1)
    installation.run(replica.base_url, f"night-{NIGHT + 1}")
    after = snapshot(db_url)
    assert after.changes_of(f"night-{NIGHT + 1}") == truth_changes(replica.truth())
    assert duplicates(after.versions) == duplicates(after.changes) == []
