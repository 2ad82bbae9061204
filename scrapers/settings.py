"""Scrapy settings of the statement spider. Per-site politeness comes from the site file
(`site_settings`), applied by the spider before the crawl starts."""

from __future__ import annotations

from typing import Any

from scrapers.identity import user_agent
from scrapers.sitefile import Site

BOT_NAME = "ministry-watch"
SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"

USER_AGENT = user_agent()
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
# The capture pipeline writes batches with asyncio.to_thread.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 2.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
DOWNLOAD_FAIL_ON_DATALOSS = True

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_S = 1.0
RETRY_BACKOFF_MAX_S = 60.0
RETRY_AFTER_MAX_S = 120.0

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapers.middlewares.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "scrapers.middlewares.SharedRobotsTxtMiddleware": 100,
}
ITEM_PIPELINES = {"scrapers.pipelines.CapturePipeline": 300}
CAPTURE_BATCH_SIZE = 100
# Scrapy starts this many tasks for every response's output, however little it yields (a
# statement page yields one capture and a few requests, a listing page some twenty requests);
# the default 100 cost more reactor time than parsing the pages.
CONCURRENT_ITEMS = 8
CRAWL_ERRORS_KEPT = 500

FEED_EXPORT_ENCODING = "utf-8"

UNPOLITE = {
    "DOWNLOAD_DELAY": 0.0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "RETRY_BACKOFF_S": 0.1,
}


def site_settings(site: Site, polite: bool) -> dict[str, Any]:
    """The settings a site file decides; `polite=False` (tests, benchmarks) drops the delay and
    AutoThrottle and raises concurrency. robots.txt and the domain allowlist stay as they are."""
    rules = site.politeness
    settings: dict[str, Any] = {
        "ROBOTSTXT_OBEY": rules.obey_robots,
        "DOWNLOAD_TIMEOUT": rules.timeout_s,
        "RETRY_TIMES": rules.retries,
        "DOWNLOAD_DELAY": rules.delay_s,
        "CONCURRENT_REQUESTS_PER_DOMAIN": rules.concurrency,
        "AUTOTHROTTLE_ENABLED": rules.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(rules.delay_s, 1.0),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(rules.concurrency),
    }
    if not polite:
        settings.update(UNPOLITE)
    return settings
