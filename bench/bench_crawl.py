"""Crawl throughput: the statement spider, politeness off, against a 2,000-statement testbed.

Each run is a first night (every listing page and every edition) into a fresh SQLite database,
through `pipeline.crawl.crawl` (a real `scrapy crawl` subprocess, captures written in batches).
The figure is pages per second (listing, feed and statement pages over the wall time of the
crawl, process start included), median of 3 runs.

    .venv/bin/python bench/bench_crawl.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from pipeline.crawl import CrawlResult, crawl
from storage.db import create_db_engine
from storage.migrate import upgrade
from testbed.server import serve_in_thread

STATEMENTS = 2000
RUNS = 3


def fresh_database(directory: Path) -> str:
    url = f"sqlite:///{directory / 'bench.sqlite3'}"
    engine = create_db_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def timed_crawl(base_url: str, directory: Path) -> tuple[CrawlResult, float]:
    url = fresh_database(directory)
    start = time.perf_counter()
    result = crawl("testbed", "bench", base_url=base_url, polite=False, database_url=url,
                   log_file=directory / "crawl.log")
    return result, time.perf_counter() - start


def main() -> None:
    with serve_in_thread(statements=STATEMENTS) as replica, tempfile.TemporaryDirectory() as tmp:
        rates = []
        for n in range(RUNS):
            directory = Path(tmp) / f"run{n}"
            directory.mkdir()
            result, seconds = timed_crawl(replica.base_url, directory)
            rates.append(result.responses / seconds)
            print(f"crawl run {n + 1}: {result.responses} pages, {result.captures} captures "
                  f"in {seconds:.1f} s = {rates[-1]:.0f} pages/s")
        print(f"crawl throughput, {STATEMENTS} statements, politeness off: "
              f"{statistics.median(rates):.0f} pages/s (median of {RUNS})")


if __name__ == "__main__":
    main()
