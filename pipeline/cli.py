"""The `ministry-watch` command line: one entry point, a thin layer over the stage functions.

Each module in COMMAND_MODULES adds its subcommands with `register(subparsers)`; a command
function receives the parsed arguments and returns the exit status.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from storage.errors import InputError

COMMAND_MODULES: tuple[str, ...] = (
    "pipeline.commands.db",
    "pipeline.commands.crawl",
    "pipeline.commands.run",
    "pipeline.commands.alert",
    "pipeline.commands.testbed",
    "pipeline.commands.history",
    "pipeline.commands.diffcmd",
    "pipeline.commands.serve",
    "pipeline.commands.normalise",
    "pipeline.commands.check",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ministry-watch",
        description="Scrape foreign-ministry statements, keep every version, report every edit.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"ministry-watch: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ministry-watch: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
