"""Figures 1, 2 and 5: end-to-end pages/s against the spider alone, the incremental night after
1% of editions changed, and the peak memory of each process of a 10,000-page run.

    .venv/bin/python -m bench.bench_pipeline [--statements 2000] [--runs 3] [--churn 0.01]
                                             [--memory-statements 4900]

Every measurement crawls a testbed process of its own (`TestbedProcess`), politeness off,
into a fresh migrated database. "Spider only" is the same `scrapy crawl statements` command
with `ITEM_PIPELINES={}`: it fetches, parses and follows the same pages, writes no capture.
Pages are Scrapy's `downloader/response_count` in both cases. Each night crawls with
`recheck_all`, so on the incremental night every known edition is re-checked and the churned
1% are found.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import (
    ROOT,
    Databases,
    Figure,
    PeakMemory,
    blob_totals,
    command_line,
    emit,
    engine_of,
    median,
    own_peak,
    scrapy_elapsed,
    scrapy_pages,
    spread,
)
from pipeline.crawl import PROJECT_ROOT, scrapy_command
from pipeline.run import PipelineOptions, run_pipeline
from pipeline.testbed_process import TestbedProcess
from storage.db import URL_VARIABLE

SITE = "testbed"
MODULE = "bench.bench_pipeline"
THROUGHPUT_TARGET = 0.70
INCREMENTAL_TARGET = 0.30
MEMORY_TARGET = 400 * 2**20
BACKENDS = ("sqlite", "postgres")


@dataclass(frozen=True)
class Night:
    """One crawl → normalise → diff pass: pages Scrapy fetched, seconds, versions written."""

    pages: int
    seconds: float
    crawl_s: float
    versions: int

    @property
    def rate(self) -> float:
        return self.pages / self.seconds


def spider_only(base_url: str, database_url: str, log_file: Path) -> Night:
    """The statement spider with its item pipeline switched off: nothing is written."""
    command = scrapy_command(SITE, "testbed:bench-spider-only", base_url, None, False,
                             {"ITEM_PIPELINES": {}}, log_file)
    began = time.perf_counter()
    subprocess.run(command, cwd=PROJECT_ROOT, env={**os.environ, URL_VARIABLE: database_url},
                   check=True, capture_output=True)
    seconds = time.perf_counter() - began
    return Night(scrapy_pages(log_file), seconds, seconds, 0)


def pipeline_night(database_url: str, base_url: str, run_key: str, log_file: Path) -> Night:
    """crawl → normalise → diff for one run as `ministry-watch run` does it (normalise overlaps
    the crawl), timed from the crawl's start to the diff's end; alerts are not sent."""
    options = PipelineOptions(base_url=base_url, polite=False, recheck_all=True, alerts=False,
                              crawl_settings={"LOG_FILE": str(log_file)})
    with engine_of(database_url) as engine:
        began = time.perf_counter()
        report = run_pipeline(engine, SITE, run_key, options)
        seconds = time.perf_counter() - began
    crawl_s = scrapy_elapsed(log_file)
    versions = report["captures"].get("version", 0)
    return Night(scrapy_pages(log_file), seconds, crawl_s, versions)


@dataclass(frozen=True)
class Incremental:
    first: Night
    second: Night
    edits: int
    blob_bytes: int
    blob_raw_bytes: int


def first_and_incremental(database_url: str, statements: int, churn: float, seed: int,
                          workdir: Path) -> Incremental:
    """Night 0 on a fresh database, then `churn` of the editions edited and a second night."""
    with TestbedProcess(statements=statements) as testbed:
        first = pipeline_night(database_url, testbed.base_url, "testbed:bench-night-1",
                               workdir / "first.log")
        with engine_of(database_url) as engine:
            before = blob_totals(engine)
        edits = testbed.control("churn", {"fraction": churn, "seed": seed})["edited"]
        second = pipeline_night(database_url, testbed.base_url, "testbed:bench-night-2",
                                workdir / "second.log")
        with engine_of(database_url) as engine:
            after = blob_totals(engine)
    return Incremental(first, second, edits, after.stored_bytes - before.stored_bytes,
                       after.raw_bytes - before.raw_bytes)


def one_round(dbs: Databases, statements: int, churn: float, index: int,
              workdir: Path) -> tuple[Night, dict[str, Incremental]]:
    """Spider alone, then each backend; the order turns each round so no one always goes
    first on a warm machine."""
    jobs = ["spider", *BACKENDS]
    jobs = jobs[index % 3:] + jobs[:index % 3]
    spider: Night | None = None
    nights: dict[str, Incremental] = {}
    for job in jobs:
        if job == "spider":
            with TestbedProcess(statements=statements) as testbed:
                spider = spider_only(testbed.base_url, dbs.fresh("sqlite"),
                                     workdir / "spider.log")
        else:
            nights[job] = first_and_incremental(dbs.fresh(job), statements, churn, index + 1,
                                                workdir)
        print(f"  round {index + 1}: {job} done", file=sys.stderr, flush=True)
    assert spider is not None
    return spider, nights


def throughput_figures(spiders: list[Night], rounds: list[dict[str, Incremental]],
                       command: str, statements: int) -> list[Figure]:
    spider_rates = [s.rate for s in spiders]
    figures = [Figure("1.spider", f"spider alone (storage off), {statements} statements",
                      f"{median(spider_rates):,.1f} pages/s (runs {spread(spider_rates)}; "
                      f"{spiders[0].pages} pages)", command)]
    for backend in BACKENDS:
        rates = [r[backend].first.rate for r in rounds]
        ratios = [r[backend].first.rate / s.rate for r, s in zip(rounds, spiders, strict=True)]
        crawl_share = median([r[backend].first.crawl_s / r[backend].first.seconds
                              for r in rounds])
        figures.append(Figure(
            f"1.{backend}", f"crawl → normalise → diff on {backend}",
            f"{median(rates):,.1f} pages/s (runs {spread(rates)}) = "
            f"{median(ratios):.0%} of spider alone (runs {spread(ratios, 2)}); crawl "
            f"{crawl_share:.0%} of the time",
            command, f"≥ {THROUGHPUT_TARGET:.0%} of spider alone",
            median(ratios) >= THROUGHPUT_TARGET))
    return figures


def incremental_figures(rounds: list[dict[str, Incremental]], churn: float,
                        command: str) -> list[Figure]:
    figures = []
    for backend in BACKENDS:
        runs = [r[backend] for r in rounds]
        ratios = [r.second.seconds / r.first.seconds for r in runs]
        equal = all(r.second.versions == r.edits for r in runs)
        versions = ", ".join(f"{r.second.versions}/{r.edits}" for r in runs)
        figures.append(Figure(
            f"2.{backend}.time", f"incremental night after {churn:.0%} churn on {backend}",
            f"{median([r.second.seconds for r in runs]):.1f} s against "
            f"{median([r.first.seconds for r in runs]):.1f} s = {median(ratios):.2f} of the "
            f"first night (runs {spread(ratios, 2)})",
            command, f"≤ {INCREMENTAL_TARGET}", median(ratios) <= INCREMENTAL_TARGET))
        figures.append(Figure(
            f"2.{backend}.versions", f"versions written / edits on {backend}",
            f"{versions} (per run); blobs added "
            f"{median([r.blob_bytes for r in runs]) / 1024:,.0f} KiB stored, "
            f"{median([r.blob_raw_bytes for r in runs]) / 1024:,.0f} KiB raw",
            command, "versions = edits", equal))
    return figures


def role_of(cmdline: list[str]) -> str | None:
    joined = " ".join(cmdline)
    if "scrapy" in joined and "crawl" in joined:
        return "scrapy"
    if "pipeline.cli" in joined and "testbed" in joined:
        return "testbed"
    return None


def memory_run(statements: int) -> dict[str, int]:
    """One night into a fresh SQLite database; peak RSS of the testbed, the Scrapy process and
    this process (which runs normalise and diff), plus Scrapy's page count."""
    workdir = Path(tempfile.mkdtemp(prefix="mw-bench-memory-"))
    try:
        with Databases() as dbs, PeakMemory(role_of) as peaks:
            url = dbs.fresh("sqlite")
            with TestbedProcess(statements=statements) as testbed:
                night = pipeline_night(url, testbed.base_url, "testbed:bench-memory",
                                       workdir / "memory.log")
                time.sleep(0.3)
        return {**peaks.peaks, "normalise_diff": own_peak(), "pages": night.pages}
    finally:
        shutil.rmtree(workdir)


def memory_figures(statements: int, command: str) -> list[Figure]:
    """Run `memory_run` in a fresh interpreter, so its peak is this night's alone."""
    answer = subprocess.run([sys.executable, "-m", MODULE, "memory", str(statements)],
                            cwd=ROOT, check=True, capture_output=True, text=True)
    peaks = json.loads(answer.stdout.strip().splitlines()[-1])
    names = {"scrapy": "Scrapy process", "normalise_diff": "normalise/diff process",
             "testbed": "testbed process"}
    return [
        Figure(f"5.{role}", f"peak RSS, {name}, {peaks['pages']:,}-page night",
               f"{peaks.get(role, 0) / 2**20:,.0f} MB", command, "≤ 400 MB",
               0 < peaks.get(role, 0) <= MEMORY_TARGET)
        for role, name in names.items()
    ]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=MODULE, description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--churn", type=float, default=0.01)
    parser.add_argument("--memory-statements", type=int, default=4900,
                        help="testbed size of the memory run (4,900 statements: ~10,000 pages)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Print figures 1, 2 and 5 as FIGURE lines."""
    raw = sys.argv[1:] if argv is None else argv
    if raw[:1] == ["memory"]:
        print(json.dumps(memory_run(int(raw[1]))), flush=True)
        return
    args = parse_args(raw)
    command = command_line(MODULE, raw)
    workdir = Path(tempfile.mkdtemp(prefix="mw-bench-pipeline-"))
    spiders: list[Night] = []
    rounds: list[dict[str, Incremental]] = []
    try:
        with Databases() as dbs:
            for index in range(args.runs):
                spider, nights = one_round(dbs, args.statements, args.churn, index, workdir)
                spiders.append(spider)
                rounds.append(nights)
    finally:
        shutil.rmtree(workdir)
    for figure in throughput_figures(spiders, rounds, command, args.statements):
        emit(figure)
    for figure in incremental_figures(rounds, args.churn, command):
        emit(figure)
    for figure in memory_figures(args.memory_statements, command):
        emit(figure)


if __name__ == "__main__":
    main()
