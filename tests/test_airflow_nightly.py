"""The whole nightly DAG under `dag.test()` against the testbed: what it records is the truth."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from storage.db import create_db_engine, transaction
from storage.models import Alert, Blob, Capture, Change, Edition, Run, Statement, Version
from testbed.server import serve_in_thread
from tests.airflow_env import REPO, airflow_home, nightly_dag  # noqa: F401
from tests.airflow_smtp import SmtpServer, smtp_server  # noqa: F401

NIGHT_0 = datetime(2026, 11, 1, 23, 30, tzinfo=UTC)
NIGHT_1 = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)


def recorded_changes(db_url: str, run_key: str) -> list[tuple[str, str, str, tuple[str, ...]]]:
    engine = create_db_engine(db_url)
    try:
        with transaction(engine) as session:
            rows = session.execute(
                select(Statement.source_id, Edition.lang, Change.kind, Change.fields)
                .join(Edition, Change.edition_id == Edition.id)
                .join(Statement, Edition.statement_id == Statement.id)
                .join(Run, Change.run_id == Run.id)
                .where(Run.key == run_key)
            ).all()
    finally:
        engine.dispose()
    return sorted((s, lang, kind, tuple(sorted(fields))) for s, lang, kind, fields in rows)


def truth_changes(truth: dict[str, Any]) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return sorted(
        (c["source_id"], c["lang"], c["kind"], tuple(sorted(c["fields"])))
        for c in truth["changes"]
    )


def versioned_editions(db_url: str) -> set[tuple[str, str]]:
    engine = create_db_engine(db_url)
    try:
        with transaction(engine) as session:
            rows = session.execute(
                select(Statement.source_id, Edition.lang)
                .join(Edition, Edition.statement_id == Statement.id)
                .join(Version, Version.edition_id == Edition.id)
                .distinct()
            ).all()
    finally:
        engine.dispose()
    return {(s, lang) for s, lang in rows}


def row_counts(db_url: str) -> dict[str, int]:
    engine = create_db_engine(db_url)
    try:
        with transaction(engine) as session:
            return {
                model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (Run, Capture, Blob, Version, Change, Alert)
            }
    finally:
        engine.dispose()


def report_of(run) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    report = next(ti for ti in run.get_task_instances() if ti.task_id == "report")
    return report.xcom_pull(task_ids="report")


def test_nightly_dag_records_the_truth_night_by_night(
    nightly_dag,  # noqa: F811
    db_url: str,
    smtp_server: SmtpServer,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    airflow_home: Path,  # noqa: F811
) -> None:
    monkeypatch.setenv("MINISTRY_WATCH_DATABASE_URL", db_url)
    monkeypatch.setenv("MINISTRY_WATCH_ALERTS", str(REPO / "testbed" / "demo-alerts.yaml"))
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", smtp_server.airflow_connection())
    with serve_in_thread(statements=10) as testbed:
        conf = {
            "sites": ["testbed"],
            "base_url": testbed.base_url,
            "polite": False,
            "recheck_all": True,
        }

        first = nightly_dag.test(run_after=NIGHT_0, logical_date=NIGHT_0, run_conf=conf)
        truth = testbed.truth()
        key = f"testbed:{first.run_id}"
        assert first.state == "success"
        live = {(e["source_id"], e["lang"]) for e in truth["editions"] if e["state"] == "live"}
        assert versioned_editions(db_url) == live
        assert recorded_changes(db_url, key) == truth_changes(truth)
        report = report_of(first)[key]
        assert report["status"] == "finished"
        assert report["changes"] == {"created": len(live)}
        assert not smtp_server.inbox.messages, "night 0 only creates: nobody asked for mail"

        before = row_counts(db_url)
        again = nightly_dag.test(run_after=NIGHT_0, logical_date=NIGHT_0, run_conf=conf)
        assert again.run_id == first.run_id
        assert again.state == "success"
        assert row_counts(db_url) == before, "re-running the same run id wrote rows"

        testbed.set_night(1)
        second = nightly_dag.test(run_after=NIGHT_1, logical_date=NIGHT_1, run_conf=conf)
        night_1 = testbed.truth()
    assert second.state == "success"
    changes = recorded_changes(db_url, f"testbed:{second.run_id}")
    assert changes == truth_changes(night_1)
    edits = [c for c in changes if c[2] == "edited"]
    assert edits, "night 1 has edits"
    alerts = report_of(second)[f"testbed:{second.run_id}"]["alerts"]
    assert set(alerts) == {"sent"}, "every alert of the night was sent"
    mails = smtp_server.inbox.wait_for(len(edits))
    desk = [m for m in mails if m["To"] == "desk@demo.invalid"]
    assert len(desk) == len(edits), "the desk gets one mail per edit through smtp_default"
