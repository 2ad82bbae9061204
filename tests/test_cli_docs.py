"""docs/history.md documents every history command and option with an example."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from pipeline.cli import build_parser

DOC = Path(__file__).resolve().parent.parent / "docs" / "history.md"
COMMANDS = ("history", "show", "diff", "changes", "search", "export", "serve")


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def examples(command: str) -> list[str]:
    blocks = re.findall(r"```\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return [line for block in blocks for line in block.splitlines()
            if line.startswith(f"ministry-watch {command} ") or line == f"ministry-watch {command}"]


@pytest.mark.parametrize("command", COMMANDS)
def test_command_has_an_example_using_every_option(command: str) -> None:
    parser = subcommands()[command]
    lines = examples(command)
    assert lines, f"docs/history.md has no example of `ministry-watch {command}`"
    used = " ".join(lines)
    options = [o for a in parser._actions for o in a.option_strings if o.startswith("--")]
    missing = [o for o in options if o != "--help" and not re.search(rf"{o}(\s|$)", used)]
    assert not missing, f"`{command}` options without an example in docs/history.md: {missing}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_example_parses(command: str) -> None:
    parser = build_parser()
    for line in examples(command):
        words = [w.strip('"') for w in re.findall(r'"[^"]*"|\S+', line.split(">")[0])][1:]
        args = parser.parse_args(words)
        assert args.command == command
