"""`python -m bench --quick` runs every benchmark at small sizes and prints every figure with
its command and the machine; the markdown it writes has a row per figure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.common import Figure, parse_figure
from bench.runner import BENCHMARKS, figures_of

ROOT = Path(__file__).resolve().parents[1]
PIPELINE_FIGURES = {
    "1.spider", "1.sqlite", "1.postgres",
    "2.sqlite.time", "2.sqlite.versions", "2.postgres.time", "2.postgres.versions",
    "5.scrapy", "5.normalise_diff", "5.testbed",
}
OTHER_FIGURES = {"testbed", "crawl", "3.diff", "4.history"}


def test_a_figure_line_reads_back_as_the_same_figure() -> None:
    figure = Figure("1.sqlite", "crawl → normalise → diff", "80 pages/s = 71%",
                    ".venv/bin/python -m bench.bench_pipeline", "≥ 70%", True)
    assert parse_figure(figure.line()) == figure
    missed = Figure("2.sqlite.time", "incremental", "0.4", "cmd", "≤ 0.3", False)
    assert parse_figure(missed.line()) == missed
    assert "MISSED" in missed.line()
    assert parse_figure("run 1: 30 pages/s") is None


def test_plain_summary_lines_are_judged_against_the_issue_targets() -> None:
    diff = next(b for b in BENCHMARKS if b.key == "3.diff")
    lines = ["statement pairs (2.4 KB): 420 diffs/s (median of 5 rounds)",
             "briefing pairs (72.0 KB): 12.5 diffs/s (median of 5 rounds)",
             "run 3: progress that is no figure"]
    slow, briefing = figures_of(diff, lines, "cmd")
    assert (slow.what, slow.met, slow.target) == ("statement pairs (2.4 KB)", False,
                                                  "≥ 500 diffs/s")
    assert briefing.met is None
    history = next(b for b in BENCHMARKS if b.key == "4.history")
    (fast,) = figures_of(history, ["history: p50 1.00 ms, p95 4.00 ms (target) ok"], "cmd")
    assert fast.met is True


def test_quick_bench_prints_every_figure_with_command_and_machine(tmp_path: Path) -> None:
    output = tmp_path / "benchmarks.md"
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--output", str(output)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    machine = next(line for line in done.stdout.splitlines() if line.startswith("machine: "))
    for fact in ("cpu ", "cores ", "memory ", "python ", "sqlite ", "postgresql ", "date "):
        assert fact in machine
    summary = done.stdout.split("== figures\n", 1)[1]
    figures = [f for line in summary.splitlines() if (f := parse_figure(line))]
    keys = {f.key for f in figures}
    assert PIPELINE_FIGURES | OTHER_FIGURES <= keys
    assert all(f.command.startswith(".venv/bin/python -m bench.") for f in figures)
    assert all(f.value and f.value != "-" for f in figures if f.key in PIPELINE_FIGURES)
    versions = [f for f in figures if f.key.endswith(".versions")]
    assert all(f.met for f in versions)
    table = output.read_text("utf-8")
    assert "- date: " in table and "- cpu: " in table
    assert table.count("\n| ") - 2 == len(figures)
