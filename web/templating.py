"""Jinja templates (autoescaped) and the helpers they use to show edits and snippets."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from pipeline.textdiff import DELETE, EQUAL, INSERT, Op
from storage.search import MARK_END, MARK_START

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def inline_edit(ops: list[Op]) -> Markup:
    """The edit as one text: removals in <del>, insertions in <ins>; every text escaped."""
    tags = {DELETE: "del", INSERT: "ins"}
    parts = [
        Markup(f"<{tags[op]}>{escape(text)}</{tags[op]}>") if op in tags else escape(text)
        for op, text in ops
    ]
    return Markup("").join(parts)


def side_edit(ops: list[Op], side: int) -> Markup:
    """One side of the edit: the old text (side -1) with removals, or the new (side 1) with
    insertions."""
    return inline_edit([(op, text) for op, text in ops if op in (EQUAL, side)])


def highlight(snippet: str) -> Markup:
    return Markup(
        str(escape(snippet)).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    )


def moment(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "–"


templates.env.filters.update(
    inline_edit=inline_edit, side_edit=side_edit, highlight=highlight, moment=moment
)
