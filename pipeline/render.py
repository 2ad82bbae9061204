"""Output for people and programs: aligned tables, coloured edits, JSON lines."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TextIO

from pipeline.textdiff import DELETE, INSERT, Op
from storage.records import to_plain
from storage.search import MARK_END, MARK_START

RED, GREEN, BOLD, RESET = "\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[0m"
MAX_CELL = 70


def cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value) or "-"
    text = " ".join(str(value).split())
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def table(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO | None = None
) -> None:
    """Columns padded to their widest cell; long texts cut to MAX_CELL characters."""
    cells = [[cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    out = out or sys.stdout
    for row in [list(headers), *cells]:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")


def dump_json(record: Any, out: TextIO | None = None) -> None:
    (out or sys.stdout).write(json.dumps(to_plain(record), ensure_ascii=False, indent=2) + "\n")


def use_colour(choice: str, out: TextIO | None = None) -> bool:
    if choice == "auto":
        return (out or sys.stdout).isatty()
    return choice == "always"


def coloured_edit(ops: list[Op], colour: bool) -> str:
    """The edit as text: removals red and struck, insertions green; without colour, removals
    are shown as [-...-] and insertions as {+...+}."""
    parts = []
    for op, text in ops:
        if op == DELETE:
            parts.append(f"{RED}\x1b[9m{text}{RESET}" if colour else f"[-{text}-]")
        elif op == INSERT:
            parts.append(f"{GREEN}{BOLD}{text}{RESET}" if colour else f"{{+{text}+}}")
        else:
            parts.append(text)
    return "".join(parts)


def marked(snippet: str, colour: bool) -> str:
    """A search snippet with its matched words in bold (or between asterisks)."""
    start, end = (BOLD, RESET) if colour else ("*", "*")
    return snippet.replace(MARK_START, start).replace(MARK_END, end)
