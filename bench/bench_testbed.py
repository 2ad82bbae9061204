"""Benchmark the testbed: start-up time and pages per second of a 20,000-statement replica.

    .venv/bin/python bench/bench_testbed.py [--statements 20000] [--runs 5] [--pages 3000]

The replica runs as `ministry-watch testbed` in its own process (as the demo and the crawler
tests use it); the client is aiohttp with 16 connections, each run on pages not fetched before
(statement pages of every language and kind, plus listing pages), so caches do not flatter it.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from testbed.timeline import Timeline  # noqa: E402

UA = {"User-Agent": "ministry-watch-bench/1.0"}


def start(statements: int) -> tuple[subprocess.Popen, str, float]:
    """Start the server; the time runs until the first statement page has been served."""
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "testbed", "--port", "0",
         "--statements", str(statements)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    base_url = process.stdout.readline().strip()
    request = urllib.request.Request(base_url + "/en/foreign_policy/news/1950123/", headers=UA)
    with urllib.request.urlopen(request) as response:
        response.read()
    return process, base_url, time.perf_counter() - began


def page_paths(statements: int, count: int, rng: random.Random) -> list[str]:
    timeline = Timeline(1, statements)
    paths = []
    while len(paths) < count:
        if rng.random() < 0.05:
            lang = rng.choice(("ru", "en", "de", "fr", "es"))
            paths.append(f"/{lang}/foreign_policy/news/?PAGEN_1={rng.randint(1, 200)}")
            continue
        statement = timeline.catalog.generated(rng.randrange(statements))
        lang = rng.choice(statement.langs)
        view = timeline.edition(statement.source_id, lang, 0)
        if view is not None:
            paths.append(view.path)
    return paths


async def crawl(base_url: str, paths: list[str], connections: int) -> tuple[float, float]:
    """Pages per second and mean page size over `paths`."""
    pending = iter(paths)
    sizes: list[int] = []

    async def worker(session: aiohttp.ClientSession) -> None:
        for path in pending:
            async with session.get(base_url + path) as response:
                body = await response.read()
                if response.status != 200:
                    raise RuntimeError(f"{path}: HTTP {response.status}")
                sizes.append(len(body))

    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector, headers=UA) as session:
        began = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(connections)))
        elapsed = time.perf_counter() - began
    return len(sizes) / elapsed, statistics.mean(sizes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    starts, rates, sizes = [], [], []
    rng = random.Random(20201121)
    paths = page_paths(args.statements, args.pages * args.runs, rng)
    for run in range(args.runs):
        process, base_url, started = start(args.statements)
        try:
            chunk = paths[run * args.pages:(run + 1) * args.pages]
            rate, size = asyncio.run(crawl(base_url, chunk, args.connections))
        finally:
            process.terminate()
            process.wait(timeout=10)
        starts.append(started)
        rates.append(rate)
        sizes.append(size)
        print(f"run {run + 1}: start-up {started:.2f} s, {rate:,.0f} pages/s, "
              f"mean page {size / 1024:.1f} KiB", flush=True)
    print(f"testbed --statements {args.statements}: median start-up "
          f"{statistics.median(starts):.2f} s; median {statistics.median(rates):,.0f} pages/s "
          f"({args.pages} pages a run, {args.connections} connections, {args.runs} runs); "
          f"mean page {statistics.mean(sizes) / 1024:.1f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
