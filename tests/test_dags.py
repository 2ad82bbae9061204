"""DAG integrity: every DAG file imports, and the nightly DAG has the shape ops rely on."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import pytest

from pipeline import nightly
from storage.errors import ConfigError, InputError
from tests.airflow_env import DAG_ID, DAGS_FOLDER, airflow_home, nightly_dag  # noqa: F401


def test_every_dag_file_imports_without_errors(airflow_home: Path) -> None:  # noqa: F811
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    assert bag.import_errors == {}
    files = sorted(p.name for p in DAGS_FOLDER.glob("*.py"))
    assert files, "no DAG files found"
    loaded = {Path(dag.fileloc).name for dag in bag.dags.values()}
    assert loaded == set(files)


def test_dag_file_does_no_io_at_import(
    airflow_home: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from airflow.dag_processing.dagbag import DagBag

    monkeypatch.setenv("MINISTRY_WATCH_SITES_DIR", str(tmp_path / "no-such-dir"))
    monkeypatch.setenv("MINISTRY_WATCH_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/x")
    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    assert bag.import_errors == {}
    assert DAG_ID in bag.dag_ids


def test_a_wrong_setting_is_a_dag_import_error_naming_it(
    airflow_home: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from airflow.dag_processing.dagbag import DagBag

    monkeypatch.setenv("MINISTRY_WATCH_CRAWL_RETRIES", "many")
    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    errors = list(bag.import_errors.values())
    assert len(errors) == 1
    assert "MINISTRY_WATCH_CRAWL_RETRIES must be a number, not 'many'" in errors[0]


def test_nightly_schedule_timezone_and_catchup(nightly_dag) -> None:  # noqa: F811
    timetable = nightly_dag.timetable
    assert timetable.expression == nightly.DEFAULT_SCHEDULE
    assert str(timetable.timezone) == nightly.DEFAULT_TIMEZONE
    assert nightly_dag.catchup is False
    assert nightly_dag.start_date is None and timetable.run_immediately is False, (
        "unpausing must wait for the next scheduled time"
    )
    assert nightly_dag.max_active_runs == 1
    assert set(nightly_dag.params.keys()) == {
        "sites",
        "languages",
        "base_url",
        "polite",
        "recheck_all",
    }


def test_tasks_follow_the_data_flow(nightly_dag) -> None:  # noqa: F811
    def downstream(task_id: str) -> set[str]:
        return nightly_dag.get_task(task_id).downstream_task_ids

    assert downstream("plan") == {"crawl", "sites"}
    assert downstream("sites") == {"normalise"}
    assert downstream("crawl") == {"normalise"}
    assert downstream("normalise") == {"diff"}
    assert downstream("diff") == {"alert"}
    assert downstream("alert") == {"report"}
    assert downstream("report") == set()


def test_crawl_is_mapped_pooled_and_retried_with_backoff(nightly_dag) -> None:  # noqa: F811
    crawl = nightly_dag.get_task("crawl")
    assert crawl.is_mapped
    assert crawl.partial_kwargs["pool"] == nightly.CRAWL_POOL
    assert crawl.partial_kwargs["retries"] == 2
    assert crawl.partial_kwargs["retry_delay"] == timedelta(seconds=1)
    assert crawl.partial_kwargs["retry_exponential_backoff"] == 2.0
    assert crawl.partial_kwargs["execution_timeout"] == timedelta(hours=2)


def test_every_task_has_a_timeout_and_mails_ops_on_failure(nightly_dag) -> None:  # noqa: F811
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    module = sys.modules[nightly_dag.get_task("plan").python_callable.__module__]
    for task in nightly_dag.tasks:
        kwargs = task.partial_kwargs if task.is_mapped else task.__dict__
        timeout = kwargs.get("execution_timeout")
        callbacks = kwargs.get("on_failure_callback")
        assert isinstance(timeout, timedelta) and timeout > timedelta(0), task.task_id
        callbacks = callbacks if isinstance(callbacks, list) else [callbacks]
        assert module.notify_ops in callbacks, task.task_id
    notifier = module.ops_failure_mail()
    assert isinstance(notifier, SmtpNotifier)
    assert notifier.smtp_conn_id == "smtp_default"
    assert notifier.to == "ops@ministry-watch.test"
    assert module.ops_failure_mail() is not notifier


def test_settings_come_from_the_environment() -> None:
    settings = nightly.nightly_settings(
        {
            "MINISTRY_WATCH_SCHEDULE": "0 4 * * 1-5",
            "MINISTRY_WATCH_TIMEZONE": "Europe/Berlin",
            "MINISTRY_WATCH_SITES": "mid, testbed",
            "MINISTRY_WATCH_CRAWL_RETRIES": "5",
        }
    )
    assert settings.schedule == "0 4 * * 1-5"
    assert settings.timezone == "Europe/Berlin"
    assert settings.sites == ["mid", "testbed"]
    assert settings.crawl_retries == 5


def test_a_wrong_setting_is_refused_by_name() -> None:
    with pytest.raises(ConfigError, match="MINISTRY_WATCH_CRAWL_RETRY_DELAY_S must be a number"):
        nightly.nightly_settings({"MINISTRY_WATCH_CRAWL_RETRY_DELAY_S": "soon"})


def test_plan_makes_one_shard_per_site_and_language() -> None:
    shards = nightly.plan_shards(["testbed", "mid"], None, "manual__1")
    assert [(s["site"], s["lang"]) for s in shards[:5]] == [
        ("testbed", lang) for lang in ("ru", "en", "de", "fr", "es")
    ]
    assert {s["run_key"] for s in shards} == {"testbed:manual__1", "mid:manual__1"}
    assert nightly.site_targets(shards) == [
        {"site": "testbed", "run_key": "testbed:manual__1", "base_url": None},
        {"site": "mid", "run_key": "mid:manual__1", "base_url": None},
    ]


def test_plan_runs_one_language_when_asked() -> None:
    shards = nightly.plan_shards(["testbed"], ["en"], "manual__1")
    assert [(s["site"], s["lang"]) for s in shards] == [("testbed", "en")]


def test_plan_refuses_a_language_the_site_does_not_publish() -> None:
    with pytest.raises(InputError, match="site 'testbed' has no language xx"):
        nightly.plan_shards(["testbed"], ["en", "xx"], "manual__1")


def test_plan_moves_a_site_to_base_url_and_checks_it_is_allowed() -> None:
    shards = nightly.plan_shards(["testbed"], ["ru"], "manual__1", "http://127.0.0.1:9")
    assert shards[0]["base_url"] == "http://127.0.0.1:9"
    with pytest.raises(InputError, match="base_url host is not in allowed_domains"):
        nightly.plan_shards(["mid"], None, "manual__1", "http://127.0.0.1:9")


def test_plan_refuses_an_unknown_site() -> None:
    with pytest.raises(InputError, match="no-such-site.yaml: no such site file"):
        nightly.plan_shards(["no-such-site"], None, "manual__1")
