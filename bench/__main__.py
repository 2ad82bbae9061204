"""`make bench` / `.venv/bin/python -m bench [--quick] [--output PATH]`: every benchmark in order,
every figure printed with the command that measures it and the machine, and written to
docs/benchmarks.md (a full run only, unless --output names a file)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bench.common import ROOT, Figure, machine
from bench.runner import BENCHMARKS, Outcome, run_benchmark

DOC = ROOT / "docs" / "benchmarks.md"


def machine_line(facts: dict[str, str]) -> str:
    return ", ".join(f"{name} {value}" for name, value in facts.items())


def markdown(facts: dict[str, str], outcomes: list[Outcome], quick: bool) -> str:
    """docs/benchmarks.md: the date and machine, then one table row per figure."""
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`.venv/bin/python -m bench`); every figure is the median of "
        "the runs its command names. Targets missed are marked MISSED.",
        "",
        f"- date: {facts['date']}" + (" (quick mode: small sizes, not the real figures)"
                                      if quick else ""),
        *(f"- {name}: {value}" for name, value in facts.items() if name != "date"),
        "",
        "| figure | what | value | target | command |",
        "| --- | --- | --- | --- | --- |",
    ]
    for outcome in outcomes:
        for figure in outcome.figures:
            lines.append(row(figure))
        if outcome.failure:
            lines.append(f"| {outcome.benchmark.key} | FAILED | {cell(outcome.failure)} | - | "
                         f"`{outcome.benchmark.module}` |")
    lines += ["", "Time per benchmark: " + ", ".join(
        f"{o.benchmark.key} {o.seconds:.0f} s" for o in outcomes) + ".", ""]
    return "\n".join(lines)


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def row(figure: Figure) -> str:
    return (f"| {figure.key} | {cell(figure.what)} | {cell(figure.value)} | "
            f"{cell(figure.verdict())} | `{figure.command}` |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="small sizes, one run each: checks that every figure is printed")
    parser.add_argument("--output", type=Path, default=None,
                        help=f"markdown file to write (default: {DOC.relative_to(ROOT)} "
                             f"on a full run, none with --quick)")
    args = parser.parse_args(argv)
    facts = machine()
    facts["load average at start"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {machine_line(facts)}", flush=True)
    outcomes = []
    for benchmark in BENCHMARKS:
        print(f"== {benchmark.key} ({benchmark.module})", flush=True)
        outcome = run_benchmark(benchmark, args.quick, lambda line: print(f"   {line}",
                                                                          flush=True))
        outcomes.append(outcome)
        if outcome.failure:
            print(f"FAILED {outcome.failure}", flush=True)
    print("== figures", flush=True)
    for outcome in outcomes:
        for figure in outcome.figures:
            print(figure.line(), flush=True)
    output = args.output or (None if args.quick else DOC)
    if output is not None:
        output.write_text(markdown(facts, outcomes, args.quick), "utf-8")
        print(f"written to {output}", flush=True)
    return 1 if any(o.failure for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
