"""With the site down, the crawl tasks fail after their retries and ops get an email."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from testbed.server import serve_in_thread
from tests import databases
from tests.airflow_env import airflow_home, nightly_dag  # noqa: F401
from tests.airflow_smtp import SmtpServer, smtp_server  # noqa: F401


def test_crawl_fails_after_retries_and_mails_ops(
    nightly_dag,  # noqa: F811
    smtp_server: SmtpServer,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    airflow_home: Path,  # noqa: F811
) -> None:
    testbed = serve_in_thread(statements=5)
    base_url = testbed.base_url
    testbed.stop()
    database = databases.create_sqlite_template(tmp_path)
    monkeypatch.setenv("MINISTRY_WATCH_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", smtp_server.airflow_connection())

    run = nightly_dag.test(
        run_conf={
            "sites": ["testbed"],
            "languages": ["en", "de"],
            "base_url": base_url,
            "polite": False,
        }
    )

    states = {(ti.task_id, ti.map_index): ti for ti in run.get_task_instances()}
    assert run.state == "failed"
    for shard in (0, 1):
        crawl = states[("crawl", shard)]
        assert crawl.state == "failed"
        assert crawl.try_number == 3, "two retries after the first try"
    assert states[("normalise", -1)].state == "upstream_failed"

    mails = smtp_server.inbox.wait_for(2)
    assert len(mails) == 2, [m["Subject"] for m in mails]
    for mail in mails:
        assert mail["To"] == "ops@ministry-watch.test"
        assert mail["Subject"] == f"ministry-watch: task crawl failed in run {run.run_id}"
        body = mail.get_body(("html", "plain")).get_content()
        assert f"Run: {run.run_id}" in body
        assert f"/dags/statements_nightly/runs/{quote(run.run_id)}/tasks/crawl/mapped/" in body
        assert "got no response" in body
    bodies = [m.get_body(("html", "plain")).get_content() for m in mails]
    assert sorted(body.split("(shard ")[1][0] for body in bodies) == ["0", "1"]
