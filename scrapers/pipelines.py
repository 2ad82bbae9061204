"""The item pipeline: captures go to storage in batches; at the end the shard's report
(counts, policy, errors) is stored on the run."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import SQLAlchemyError

from storage.captures import CaptureData, record_captures
from storage.crawl_state import save_crawl_report
from storage.db import create_db_engine, transaction
from storage.runs import get_run

logger = logging.getLogger(__name__)


def status_key(item: CaptureData) -> str:
    """How a capture is counted: its error kind, else its HTTP status."""
    return item.error_kind or str(item.http_status)


class CapturePipeline:
    """Writes `CaptureData` items through `storage.captures.record_captures`."""

    def __init__(self, crawler: Crawler, batch_size: int, errors_kept: int) -> None:
        self.crawler = crawler
        self.batch_size = batch_size
        self.errors_kept = errors_kept
        self.pending: list[CaptureData] = []
        self.by_status: Counter[str] = Counter()
        self.recorded = self.already_recorded = self.new_editions = 0
        self.errors: list[dict[str, Any]] = []
        self.storage_failed: str | None = None
        self.engine = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CapturePipeline:
        pipeline = cls(
            crawler,
            crawler.settings.getint("CAPTURE_BATCH_SIZE"),
            crawler.settings.getint("CRAWL_ERRORS_KEPT"),
        )
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        self.engine = create_db_engine()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, CaptureData):
            return item
        self.by_status[status_key(item)] += 1
        if item.error_kind and len(self.errors) < self.errors_kept:
            self.errors.append({"url": item.url, "kind": item.error_kind, "error": item.error})
        self.pending.append(item)
        if len(self.pending) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        """Write the pending batch in one transaction; a storage failure stops the crawl."""
        if not self.pending or self.storage_failed:
            return
        batch, self.pending = self.pending, []
        spider = self.crawler.spider
        try:
            with transaction(self.engine) as session:
                run = get_run(session, spider.run_key)
                result = record_captures(session, run, batch)
        except SQLAlchemyError as exc:
            self.storage_failed = f"writing {len(batch)} captures failed: {exc}".splitlines()[0]
            logger.error(self.storage_failed)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="storage_error"))
            return
        self.recorded += result.recorded
        self.already_recorded += result.already_recorded
        self.new_editions += result.new_editions

    def close_spider(self) -> None:
        self.flush()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.storage_failed:
            reason = "storage_error"
        counts = {
            **spider.report.counts(),
            "captures": self.recorded,
            "already_recorded": self.already_recorded,
            "new_editions": self.new_editions,
            "by_status": dict(sorted(self.by_status.items())),
            "finish_reason": reason,
        }
        errors = [*spider.report.errors, *self.errors][: self.errors_kept]
        with transaction(self.engine) as session:
            save_crawl_report(session, spider.run_key, spider.shard, counts,
                              spider.report.policy, errors)
        logger.info("crawl of %s shard %s: %s", spider.site.key, spider.shard, counts)
        self.engine.dispose()
