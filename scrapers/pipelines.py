"""The item pipeline: captures go to storage in batches; at the end the shard's report
(counts, policy, errors) is stored on the run."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from storage.captures import CaptureData, CapturesRecorded, record_captures
from storage.crawl_state import save_crawl_report
from storage.db import create_db_engine, transaction
from storage.runs import get_run

logger = logging.getLogger(__name__)
WRITE_ATTEMPTS = 4


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
        self.writing = asyncio.Lock()

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

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, CaptureData):
            return item
        self.by_status[status_key(item)] += 1
        if item.error_kind and len(self.errors) < self.errors_kept:
            self.errors.append({"url": item.url, "kind": item.error_kind, "error": item.error})
        self.pending.append(item)
        if len(self.pending) >= self.batch_size:
            await self.flush()
        return item

    async def flush(self) -> None:
        """Write the pending batch in one transaction, in a worker thread so downloads go on
        meanwhile (one batch at a time); a storage failure stops the crawl."""
        if not self.pending or self.storage_failed:
            return
        batch, self.pending = self.pending, []
        async with self.writing:
            try:
                result = await asyncio.to_thread(self.write, batch)
            except SQLAlchemyError as exc:
                self.stop(f"writing {len(batch)} captures failed: {exc}")
                return
        self.recorded += result.recorded
        self.already_recorded += result.already_recorded
        self.new_editions += result.new_editions

    def write(self, batch: list[CaptureData]) -> CapturesRecorded:
        """One transaction for the batch, in edition order so that shards of one run writing
        the same statements take their row locks in the same order; a deadlock or lock
        timeout between them is retried (the batch write is idempotent)."""
        ordered = sorted(batch, key=lambda c: (c.source_id or "", c.lang or "", c.url))
        for attempt in range(1, WRITE_ATTEMPTS):
            try:
                return self._write_once(ordered)
            except OperationalError as exc:
                logger.warning("capture batch write retried after: %s",
                               str(exc).splitlines()[0])
                time.sleep(0.2 * attempt)
        return self._write_once(ordered)

    def _write_once(self, batch: list[CaptureData]) -> CapturesRecorded:
        with transaction(self.engine) as session:
            run = get_run(session, self.crawler.spider.run_key)
            return record_captures(session, run, batch)

    def stop(self, problem: str) -> None:
        self.storage_failed = problem.splitlines()[0]
        logger.error(self.storage_failed)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="storage_error"))

    async def close_spider(self) -> None:
        await self.flush()

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
            **({"storage_error": self.storage_failed} if self.storage_failed else {}),
        }
        errors = [*spider.report.errors, *self.errors][: self.errors_kept]
        with transaction(self.engine) as session:
            save_crawl_report(session, spider.run_key, spider.shard, counts,
                              spider.report.policy, errors)
        logger.info("crawl of %s shard %s: %s", spider.site.key, spider.shard, counts)
        self.engine.dispose()
