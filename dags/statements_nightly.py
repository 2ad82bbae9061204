"""Nightly crawl → normalise → diff → alert → report of ministry statements.

Thin: every task calls one function of `pipeline.nightly`. Settings come from MINISTRY_WATCH_*
environment variables read at parse time (no I/O); see docs/operations.md.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from airflow.providers.smtp.notifications.smtp import SmtpNotifier
from airflow.sdk import CronTriggerTimetable, Param, dag, get_current_context, task

from pipeline import nightly
from pipeline.mail.transport import airflow_smtp_connection

SETTINGS = nightly.nightly_settings()


def ops_failure_mail() -> SmtpNotifier:
    """The mail to ops about a failed task: which task and shard, which run, the log link."""
    return SmtpNotifier(
        to=SETTINGS.ops_email,
        from_email="ministry-watch@localhost",
        smtp_conn_id="smtp_default",
        subject="ministry-watch: task {{ ti.task_id }} failed in run {{ run_id }}",
        html_content=(
            "<p>Task <b>{{ ti.task_id }}</b>"
            "{% if ti.map_index is not none and ti.map_index >= 0 %} (shard {{ ti.map_index }})"
            "{% endif %} of DAG {{ dag.dag_id }} failed after {{ ti.try_number }} tries.</p>"
            "<p>Run: {{ run_id }}</p>"
            "<p>Error: {{ exception }}</p>"
            '<p>Log: <a href="{{ ti.log_url }}">{{ ti.log_url }}</a></p>'
        ),
    )


def notify_ops(context: Any) -> None:
    """Send `ops_failure_mail` for a failed task. A notifier renders its templates into
    itself, so each failure gets a new one (tasks of one process would share it otherwise)."""
    ops_failure_mail()(context)


@dag(
    dag_id="statements_nightly",
    description="Crawl every site and language, record versions and changes, send alerts",
    # No start_date: unpausing waits for the next scheduled time instead of starting at once.
    schedule=CronTriggerTimetable(
        SETTINGS.schedule, timezone=SETTINGS.timezone, run_immediately=False
    ),
    catchup=False,
    max_active_runs=1,
    tags=["ministry-watch"],
    default_args={
        "retries": 0,
        "execution_timeout": timedelta(seconds=SETTINGS.stage_timeout_s),
        "on_failure_callback": notify_ops,
    },
    params={
        "sites": Param(SETTINGS.sites, type="array", items={"type": "string"}, minItems=1),
        "languages": Param(None, type=["null", "array"], items={"type": "string"}),
        "base_url": Param(None, type=["null", "string"]),
        "polite": Param(True, type="boolean"),
        "recheck_all": Param(False, type="boolean"),
    },
)
def statements_nightly() -> None:
    @task
    def plan() -> list[dict[str, Any]]:
        context = get_current_context()
        params = context["params"]
        return nightly.plan_shards(
            params["sites"],
            params["languages"],
            context["run_id"],
            base_url=params["base_url"],
            polite=params["polite"],
            recheck_all=params["recheck_all"],
        )

    @task
    def sites(shards: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return nightly.site_targets(list(shards))

    @task(
        pool=nightly.CRAWL_POOL,
        retries=SETTINGS.crawl_retries,
        retry_delay=timedelta(seconds=SETTINGS.crawl_retry_delay_s),
        retry_exponential_backoff=2.0,
        max_retry_delay=timedelta(hours=1),
        execution_timeout=timedelta(seconds=SETTINGS.crawl_timeout_s),
    )
    def crawl(shard: dict[str, Any]) -> dict[str, Any]:
        return nightly.crawl_shard(shard)

    @task
    def normalise(target: dict[str, Any]) -> dict[str, Any]:
        return nightly.normalise_stage(target)

    @task
    def diff(target: dict[str, Any]) -> dict[str, Any]:
        return nightly.diff_stage(target)

    @task
    def alert(target: dict[str, Any]) -> dict[str, Any]:
        return nightly.alert_stage(target, airflow_smtp_connection())

    @task
    def report(targets: list[dict[str, Any]]) -> dict[str, Any]:
        return nightly.report(list(targets))

    shards = plan()
    crawled = crawl.expand(shard=shards)
    normalised = normalise.expand(target=sites(shards))
    crawled >> normalised
    report(alert.expand(target=diff.expand(target=normalised)))


statements_nightly()
