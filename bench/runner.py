"""Run every benchmark in order, each in a child process, and turn what it prints into figures.

Figure lines of `bench.bench_pipeline` (`FIGURE ...`) are taken as they are; the other
benchmarks print plain summary lines, which become figures under the benchmark's name, judged
against the issue's target where one applies. Progress lines (`run N: ...`) are dropped.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.common import ROOT, Figure, command_line, parse_figure

PROGRESS = re.compile(r"\brun \d+:")


@dataclass(frozen=True)
class Target:
    """A line containing `contains` meets `text` when `check` holds for the first number
    `pattern` captures."""

    contains: str
    pattern: str
    text: str
    check: Callable[[float], bool]


@dataclass(frozen=True)
class Benchmark:
    key: str
    module: str
    quick: dict[str, object] = field(default_factory=dict)
    targets: tuple[Target, ...] = ()
    quick_argv: tuple[str, ...] = ()


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark("testbed", "bench.bench_testbed",
              quick_argv=("--statements", "500", "--runs", "1", "--pages", "200")),
    Benchmark("crawl", "bench.bench_crawl", quick={"STATEMENTS": 20, "RUNS": 1}),
    Benchmark("pipeline", "bench.bench_pipeline",
              quick_argv=("--statements", "10", "--runs", "1", "--memory-statements", "10")),
    Benchmark("3.diff", "bench.bench_diff", quick={"ROUNDS": 1, "STATEMENT_PAIRS": 20,
                                                   "BRIEFING_PAIRS": 2},
              targets=(Target("statement pairs", r"\): ([\d,.]+) diffs/s", "≥ 500 diffs/s",
                              lambda rate: rate >= 500),)),
    Benchmark("4.history", "bench.bench_history", quick={"STATEMENTS": 100, "ROUNDS": 20},
              targets=(
                  Target("history:", r"p95 ([\d.]+) ms", "p95 ≤ 10 ms", lambda ms: ms <= 10),
                  Target("search", r"p95 ([\d.]+) ms", "p95 ≤ 100 ms", lambda ms: ms <= 100),
              )),
)


def child_command(benchmark: Benchmark, quick: bool) -> list[str]:
    """The full command, or in quick mode the same `main()` with smaller module constants."""
    if quick and benchmark.quick:
        sets = "; ".join(f"m.{name} = {value!r}" for name, value in benchmark.quick.items())
        code = f"import {benchmark.module} as m; {sets}; m.main()"
        return [sys.executable, "-c", code]
    argv = list(benchmark.quick_argv) if quick else []
    return [sys.executable, "-m", benchmark.module, *argv]


def shown_command(benchmark: Benchmark, quick: bool) -> str:
    argv = list(benchmark.quick_argv) if quick else []
    suffix = " (quick: " + ", ".join(f"{k}={v}" for k, v in benchmark.quick.items()) + ")"
    return command_line(benchmark.module, argv) + (suffix if quick and benchmark.quick else "")


def figures_of(benchmark: Benchmark, lines: list[str], command: str) -> list[Figure]:
    """The figures among a benchmark's output lines."""
    figures = []
    for line in lines:
        figure = parse_figure(line)
        if figure is not None:
            figures.append(figure)
        elif line.strip() and not PROGRESS.search(line):
            figures.append(judged(benchmark, line.strip(), command))
    return figures


def judged(benchmark: Benchmark, line: str, command: str) -> Figure:
    what, _, value = line.partition(": ")
    value = value or "-"
    for target in benchmark.targets:
        found = re.search(target.pattern, line)
        if target.contains in line and found:
            number = float(found[1].replace(",", ""))
            return Figure(benchmark.key, what, value, command, target.text,
                          target.check(number))
    return Figure(benchmark.key, what, value, command)


@dataclass(frozen=True)
class Outcome:
    benchmark: Benchmark
    figures: list[Figure]
    seconds: float
    failure: str | None


def run_benchmark(benchmark: Benchmark, quick: bool, echo: Callable[[str], None]) -> Outcome:
    """Run one benchmark as a child process, echoing its lines as they come."""
    command = shown_command(benchmark, quick)
    began = time.perf_counter()
    lines = []
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(child_command(benchmark, quick), cwd=ROOT, text=True,
                                   stdout=subprocess.PIPE, stderr=errors)
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            echo(line.rstrip("\n"))
        status = process.wait()
        errors.seek(0)
        stderr = errors.read()
    failure = None
    if status != 0:
        tail = stderr.strip().splitlines()[-1:] or ["no error output"]
        failure = f"{benchmark.module} exited with status {status}: {tail[0]}"
    return Outcome(benchmark, figures_of(benchmark, lines, command),
                   time.perf_counter() - began, failure)
