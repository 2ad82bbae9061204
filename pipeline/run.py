"""One pass of the pipeline over a site, in data-flow order: crawl → normalise → diff → alert.

`ministry-watch run`, the demo and the benchmarks call `run_pipeline`; the Airflow DAG calls
the same stage functions as separate tasks (pipeline/nightly.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from pipeline.progress import CaptureWatcher
from pipeline.report import run_report
from scrapers.sitefile import Site, load_site
from storage.db import transaction
from storage.runs import close_run, get_run, open_run

if TYPE_CHECKING:
    from pipeline.crawl import CrawlProcess

Progress = Callable[[str], None]
ROUND_PAUSE_S = 0.5


@dataclass(frozen=True)
class PipelineOptions:
    """How to run: which pages, how politely, and whether to mail."""

    base_url: str | None = None
    languages: list[str] | None = None
    polite: bool = True
    recheck_all: bool = False
    alerts: bool = True
    subscriptions_path: str | None = None
    crawl_settings: dict[str, Any] | None = None


def new_run_key(site_key: str, now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{site_key}:cli-{stamp}"


def run_pipeline(
    engine: Engine,
    site_key: str,
    run_key: str,
    options: PipelineOptions = PipelineOptions(),
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Run every stage for `run_key` and return the run report. Each stage is idempotent,
    so calling this again with the same key (after a crash, say) finishes the run."""
    from pipeline.crawl import start_crawl
    from pipeline.diffing import diff_run
    from pipeline.normalise import normalise

    say = progress or (lambda _message: None)
    site = load_site(site_key, base_url=options.base_url)
    with transaction(engine) as session:
        run_id = open_run(session, run_key, site.key).id
    say(f"crawling {site.name} ({site.base_url}), normalising as pages arrive")
    crawling = start_crawl(
        site_key,
        run_key,
        base_url=options.base_url,
        languages=options.languages,
        polite=options.polite,
        database_url=engine.url.render_as_string(hide_password=False),
        extra_settings=options.crawl_settings,
        recheck_all=options.recheck_all,
    )
    with CaptureWatcher(engine, run_key, lambda n: say(f"  {n} pages captured"), interval=2.0):
        _normalise_while_crawling(engine, site, run_id, crawling)
    say("normalising captures")
    normalise(engine, site, run_key)
    say("diffing new versions")
    diff_run(engine, site, run_key)
    if options.alerts:
        _alert(engine, run_key, options.subscriptions_path, say)
    with transaction(engine) as session:
        close_run(get_run(session, run_key))
    return run_report(engine, run_key)


def _normalise_while_crawling(
    engine: Engine, site: Site, run_id: int, crawling: CrawlProcess
) -> None:
    """Normalise the captures the crawl has stored, in rounds, until it ends; then wait for its
    result (CrawlError when it failed). Captures of editions the crawl is writing are skipped
    rather than waited for, so neither process waits on the other's row locks; they stay
    pending for the normalise after the crawl. The crawl is stopped if this fails."""
    from pipeline.normalise import normalise_pending

    try:
        while crawling.running():
            if normalise_pending(engine, site, run_id, skip_locked=True) == 0:
                time.sleep(ROUND_PAUSE_S)
    except BaseException:
        crawling.stop()
        raise
    crawling.wait()


def _alert(engine: Engine, run_key: str, subscriptions_path: str | None, say: Progress) -> None:
    """Send the run's alerts. Without a subscriptions file (none given, none at the default
    path) there is nobody to mail: that is said, not treated as an error."""
    from pipeline.alerting import alert_run
    from pipeline.subscriptions import load_subscriptions
    from pipeline.subscriptions import subscriptions_path as resolve

    path = resolve(subscriptions_path)
    if subscriptions_path is None and not path.exists():
        say(f"no subscriptions file at {path}: no alerts sent")
        return
    say("sending alerts")
    alert_run(engine, run_key, subscriptions=load_subscriptions(path))
