"""The production shape, natively: the DAG triggered through the REST API runs its mapped crawl
tasks on a Celery worker, with Airflow's metadata and our data in PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.db import create_db_engine, transaction
from storage.models import Change, Version
from testbed.server import serve_in_thread
from tests import databases
from tests.airflow_env import DAG_ID
from tests.airflow_stack import AirflowStack, airflow_stack

pytestmark = pytest.mark.slow


@pytest.fixture
def pg_data_url() -> Iterator[str]:
    name = databases.create_pg_template()
    url = databases.pg_database_url(name)
    try:
        yield url
    finally:
        databases.drop_pg_database(url)


def _count(url: str, model: type) -> int:
    engine = create_db_engine(url)
    try:
        with transaction(engine) as session:
            return session.scalar(select(func.count()).select_from(model)) or 0
    finally:
        engine.dispose()


def test_rest_triggered_run_executes_mapped_crawls_on_a_celery_worker(
    tmp_path: Path, pg_data_url: str
) -> None:
    with serve_in_thread(statements=10) as testbed, airflow_stack(tmp_path, pg_data_url) as stack:
        client = stack.client()
        stack.wait_for(client, f"/dags/{DAG_ID}", lambda dag: True, timeout=120)
        assert client.patch(f"/dags/{DAG_ID}", json={"is_paused": False}).status_code == 200
        conf = {"sites": ["testbed"], "base_url": testbed.base_url, "polite": False}
        created = client.post(f"/dags/{DAG_ID}/dagRuns", json={"logical_date": None, "conf": conf})
        assert created.status_code == 200, created.text
        run_id = created.json()["dag_run_id"]

        run = stack.wait_for(
            client,
            f"/dags/{DAG_ID}/dagRuns/{run_id}",
            lambda r: r["state"] in ("success", "failed"),
            timeout=400,
        )
        tasks = client.get(
            f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances", params={"limit": 100}
        ).json()["task_instances"]
        runs = client.get(f"/dags/{DAG_ID}/dagRuns").json()
        truth = testbed.truth()
        pids = [p.pid for p in stack.processes.values()]

    assert run["state"] == "success", [(t["task_id"], t["state"]) for t in tasks]
    assert [r["dag_run_id"] for r in runs["dag_runs"]] == [run_id], "unpausing started no run"
    crawls = [t for t in tasks if t["task_id"] == "crawl"]
    assert sorted(t["map_index"] for t in crawls) == [0, 1, 2, 3, 4]
    for crawl in crawls:
        assert crawl["state"] == "success"
        assert crawl["queue"] == stack.queue, "ran from the stack's Celery queue"
        assert crawl["executor"] in (None, "CeleryExecutor")
        assert crawl["pool"] == "ministry_watch_crawl"
        assert crawl["hostname"], "a worker picked it up"
    live = [e for e in truth["editions"] if e["state"] == "live"]
    assert _count(pg_data_url, Version) == len(live)
    assert _count(pg_data_url, Change) == len(live)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.killpg(pid, 0)


def test_stack_is_stopped_even_when_the_test_fails(tmp_path: Path, pg_data_url: str) -> None:
    started: list[AirflowStack] = []
    with pytest.raises(RuntimeError, match="failing on purpose"):
        with airflow_stack(tmp_path, pg_data_url) as stack:
            started.append(stack)
            stack.client()
            raise RuntimeError("failing on purpose")
    assert started[0].processes
    for process in started[0].processes.values():
        assert process.poll() is not None
        with pytest.raises(ProcessLookupError):
            os.killpg(process.pid, 0)
