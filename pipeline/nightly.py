"""The nightly run as Airflow tasks: plain functions the DAG calls, one stage each.

Each function takes and returns JSON-friendly values (they travel between tasks as XComs),
opens the data database from MINISTRY_WATCH_DATABASE_URL, and calls one stage function. The
run key of a site is derived from Airflow's run id, so clearing a task or a whole run and
running it again resumes the same run and, every stage being idempotent, writes nothing twice.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, is_dataclass
from typing import Any

from sqlalchemy import Engine

from scrapers.sitefile import Site, load_site
from storage.db import create_db_engine, database_url, transaction
from storage.errors import ConfigError, InputError
from storage.runs import close_run, get_run

DEFAULT_SCHEDULE = "30 2 * * *"
DEFAULT_TIMEZONE = "Europe/Moscow"
CRAWL_POOL = "ministry_watch_crawl"


@dataclass(frozen=True)
class NightlySettings:
    """What the DAG file reads from the environment when it is parsed (no I/O)."""

    schedule: str
    timezone: str
    sites: list[str]
    crawl_retries: int
    crawl_retry_delay_s: float
    crawl_timeout_s: float
    stage_timeout_s: float
    ops_email: str


def nightly_settings(environ: dict[str, str] | None = None) -> NightlySettings:
    """Settings from MINISTRY_WATCH_* variables; a wrong value raises ConfigError naming it."""
    env = os.environ if environ is None else environ
    return NightlySettings(
        schedule=env.get("MINISTRY_WATCH_SCHEDULE", DEFAULT_SCHEDULE).strip(),
        timezone=env.get("MINISTRY_WATCH_TIMEZONE", DEFAULT_TIMEZONE).strip(),
        sites=_names(env.get("MINISTRY_WATCH_SITES", "mid")),
        crawl_retries=int(_number(env, "MINISTRY_WATCH_CRAWL_RETRIES", 3)),
        crawl_retry_delay_s=_number(env, "MINISTRY_WATCH_CRAWL_RETRY_DELAY_S", 300),
        crawl_timeout_s=_number(env, "MINISTRY_WATCH_CRAWL_TIMEOUT_S", 2 * 3600),
        stage_timeout_s=_number(env, "MINISTRY_WATCH_STAGE_TIMEOUT_S", 3600),
        ops_email=env.get("MINISTRY_WATCH_OPS_EMAIL", "ops@localhost").strip(),
    )


def _names(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


def _number(env: Any, name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return float(default)
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from exc
    if value < 0:
        raise ConfigError(f"{name} must not be negative, not {raw!r}")
    return value


def run_key(site_key: str, run_id: str) -> str:
    """The storage run key of one site in one Airflow run: the run id, prefixed by the site."""
    return f"{site_key}:{run_id}"


def plan_shards(
    site_keys: list[str],
    languages: list[str] | None,
    run_id: str,
    base_url: str | None = None,
    polite: bool = True,
    recheck_all: bool = False,
) -> list[dict[str, Any]]:
    """One crawl shard per site and language: `{site, lang, run_key, base_url, polite,
    recheck_all}`.

    Every site file is loaded and validated here, before any request is made; a language that
    a site does not publish is refused with the languages it does.
    """
    if not site_keys:
        raise InputError("no site to run: give at least one site key")
    shards: list[dict[str, Any]] = []
    for key in site_keys:
        site = load_site(key, base_url=base_url)
        target = {"site": site.key, "run_key": run_key(site.key, run_id), "base_url": base_url}
        shards.extend(
            {**target, "lang": lang, "polite": polite, "recheck_all": recheck_all}
            for lang in _languages_of(site, languages)
        )
    return shards


def site_targets(shards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sites of `shards`, once each, in order: what the per-site stages run on."""
    seen: dict[str, dict[str, Any]] = {}
    for shard in shards:
        seen.setdefault(shard["run_key"], _target(shard))
    return list(seen.values())


def _languages_of(site: Site, languages: list[str] | None) -> list[str]:
    if not languages:
        return list(site.languages)
    unknown = [lang for lang in languages if lang not in site.languages]
    if unknown:
        raise InputError(
            f"site {site.key!r} has no language {', '.join(unknown)} "
            f"(it publishes {', '.join(site.languages)})"
        )
    return list(languages)


class CrawlFailed(RuntimeError):
    """The crawl of a shard reached nothing: the site is down or refuses us. Retried."""


def crawl_shard(shard: dict[str, Any]) -> dict[str, Any]:
    """Crawl one site in one language as a Scrapy subprocess into the shard's run."""
    from pipeline.crawl import crawl

    result = crawl(
        shard["site"],
        shard["run_key"],
        base_url=shard.get("base_url"),
        languages=[shard["lang"]],
        polite=shard.get("polite", True),
        recheck_all=shard.get("recheck_all", False),
        database_url=database_url(),
    )
    if result.responses == 0 and result.errors:
        raise CrawlFailed(
            f"crawl of {shard['site']} [{shard['lang']}] for run {shard['run_key']} "
            f"got no response ({result.errors} failed fetches): {result.counts}"
        )
    return {**shard, **_plain(result)}


def normalise_stage(target: dict[str, Any]) -> dict[str, Any]:
    from pipeline.normalise import normalise

    return _on_site(target, normalise)


def diff_stage(target: dict[str, Any]) -> dict[str, Any]:
    from pipeline.diffing import diff_run

    return _on_site(target, diff_run)


def alert_stage(target: dict[str, Any], smtp_connection: Any | None = None) -> dict[str, Any]:
    """Send the run's alerts through `smtp_connection` (Airflow's `smtp_default`) when given.

    Without a subscriptions file there is nobody to mail: the result says so, it is no error.
    """
    from pipeline.alerting import alert_run
    from pipeline.mail.transport import load_transport
    from pipeline.subscriptions import load_subscriptions, subscriptions_path

    path = subscriptions_path()
    if not path.exists():
        return {**_target(target), "alert": {"skipped": f"no subscriptions file at {path}"}}
    engine = _engine()
    try:
        result = alert_run(
            engine,
            target["run_key"],
            subscriptions=load_subscriptions(path),
            transport=load_transport(airflow_connection=smtp_connection),
        )
        return {**_target(target), "alert": _plain(result)}
    finally:
        engine.dispose()


def report(targets: list[dict[str, Any]]) -> dict[str, Any]:
    """Close each site's run and return the run reports, keyed by run key."""
    from pipeline.report import run_report

    engine = _engine()
    try:
        reports = {}
        for target in targets:
            _close(engine, target["run_key"])
            reports[target["run_key"]] = run_report(engine, target["run_key"])
        return reports
    finally:
        engine.dispose()


def _close(engine: Engine, key: str) -> None:
    with transaction(engine) as session:
        close_run(get_run(session, key))


def _on_site(target: dict[str, Any], stage: Any) -> dict[str, Any]:
    """Run `stage(engine, site, run_key)` and pass the target on with the stage's result."""
    engine = _engine()
    try:
        site = load_site(target["site"], base_url=target.get("base_url"))
        result = stage(engine, site, target["run_key"])
        return {**_target(target), stage.__name__: _plain(result)}
    finally:
        engine.dispose()


def _target(target: dict[str, Any]) -> dict[str, Any]:
    return {key: target[key] for key in ("site", "run_key", "base_url")}


def _engine() -> Engine:
    return create_db_engine()


def _plain(result: Any) -> dict[str, Any]:
    """A stage result as a JSON-friendly dict for XCom."""
    if is_dataclass(result) and not isinstance(result, type):
        raw = asdict(result)
    elif hasattr(result, "model_dump"):
        raw = result.model_dump(mode="json")
    elif isinstance(result, dict):
        raw = dict(result)
    else:
        raw = {"result": str(result)}
    return {key: _jsonable(value) for key, value in raw.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return str(value)
