"""Shared pieces of the spider tests: a testbed per test, a crawl into a test database, and
reading back what the crawl stored. (No tests here; the test_spider_* modules import it.)"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from parsel import Selector
from sqlalchemy import select

from pipeline.crawl import CrawlResult, crawl
from storage.db import create_db_engine, transaction
from storage.models import Blob, Capture, Edition, Run, Statement
from testbed.server import TestbedHandle, serve_in_thread
from testbed.truth import text_sha256

SMALL = 12
FAST = {"RETRY_BACKOFF_S": 0.05, "DOWNLOAD_TIMEOUT": 5}


@pytest.fixture
def replica() -> Iterator[TestbedHandle]:
    handle = serve_in_thread(statements=SMALL)
    try:
        yield handle
    finally:
        handle.stop()


def run_crawl(
    handle: TestbedHandle, db_url: str, run_key: str, tmp_path: Path, **options: Any
) -> CrawlResult:
    """Crawl the testbed politely-off into `db_url`, logging to a file under `tmp_path`."""
    settings = {**FAST, **options.pop("extra_settings", {})}
    return crawl(
        options.pop("site", "testbed"),
        run_key,
        base_url=handle.base_url,
        polite=False,
        database_url=db_url,
        extra_settings=settings,
        log_file=tmp_path / f"{run_key}.log",
        **options,
    )


def captures(db_url: str, run_key: str) -> list[dict[str, Any]]:
    """Every capture of a run with its edition key and decompressed body."""
    engine = create_db_engine(db_url)
    try:
        with transaction(engine) as session:
            rows = session.execute(
                select(Capture, Statement.source_id, Edition.lang, Blob.data)
                .join(Run, Run.id == Capture.run_id)
                .outerjoin(Edition, Edition.id == Capture.edition_id)
                .outerjoin(Statement, Statement.id == Edition.statement_id)
                .outerjoin(Blob, Blob.sha256 == Capture.blob_sha256)
                .where(Run.key == run_key)
            ).all()
            return [
                {
                    "edition_id": capture.edition_id,
                    "key": (source_id, lang),
                    "url": capture.url,
                    "final_url": capture.final_url,
                    "status": capture.http_status,
                    "error_kind": capture.error_kind,
                    "etag": capture.etag,
                    "meta": capture.meta,
                    "body": zlib.decompress(data) if data is not None else None,
                }
                for capture, source_id, lang, data in rows
            ]
    finally:
        engine.dispose()


def run_row(db_url: str, run_key: str) -> dict[str, Any]:
    engine = create_db_engine(db_url)
    try:
        with transaction(engine) as session:
            run = session.scalars(select(Run).where(Run.key == run_key)).one()
            return {"counts": run.counts, "errors": run.errors, "policy": run.policy}
    finally:
        engine.dispose()


def live_editions(truth: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(e["source_id"], e["lang"]): e for e in truth["editions"] if e["state"] == "live"}


def body_sha256(body: bytes) -> str:
    """The truth JSON's text hash of a served page: the `<p>` texts of the article body."""
    page = Selector(text=body.decode("utf-8"))
    paragraphs = page.css("div.text.article-content p").xpath("string()").getall()
    return text_sha256(paragraphs)


def good(capture: dict[str, Any]) -> bool:
    return capture["status"] == 200 and capture["error_kind"] is None and bool(capture["body"])


def assert_good_captures_are_real(rows: list[dict[str, Any]], truth: dict[str, Any]) -> None:
    """Every capture stored as good content is the edition's real text on that night."""
    editions = live_editions(truth)
    for row in rows:
        if good(row):
            assert body_sha256(row["body"]) == editions[row["key"]]["text_sha256"], row["url"]
