"""An edit cut down for a mail: changed paragraphs in full, unchanged stretches elided.

Built from `pipeline.textdiff.diff_ops` on the two stored versions, so a mail shows the same
edit as the CLI and the web pages.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

from pipeline.textdiff import DELETE, EQUAL, INSERT, Op, diff_ops

CONTEXT_CHARS = 160
TEXT_WIDTH = 76
_WORD_END = re.compile(r"\w+$")
_WORD_START = re.compile(r"^\w+")
_KINDS = {EQUAL: "equal", INSERT: "insert", DELETE: "delete"}


@dataclass(frozen=True)
class Segment:
    """`kind` is `equal`, `insert`, `delete`, or `elided` (unchanged text left out)."""

    kind: str
    text: str


@dataclass(frozen=True)
class Block:
    """A changed paragraph (`segments`), or `skipped` unchanged paragraphs left out."""

    segments: tuple[Segment, ...] = ()
    skipped: int = 0


def edit_blocks(old: str, new: str, context: int = CONTEXT_CHARS) -> list[Block]:
    """The paragraphs of `old` -> `new` that changed, each trimmed to `context` characters of
    unchanged text around its edits, with gaps counting the unchanged paragraphs between."""
    blocks: list[Block] = []
    skipped = 0
    for paragraph in _paragraphs(whole_words(diff_ops(old, new))):
        if all(s.kind == "equal" for s in paragraph):
            skipped += 1
            continue
        if skipped:
            blocks.append(Block(skipped=skipped))
            skipped = 0
        blocks.append(Block(segments=_trim(paragraph, context)))
    if skipped and blocks:
        blocks.append(Block(skipped=skipped))
    return blocks


def inline_blocks(old: str, new: str) -> list[Block]:
    """A short text (a title) as one untrimmed block."""
    ops = whole_words(diff_ops(old, new))
    segments = tuple(Segment(_KINDS[op], text) for op, text in ops if text)
    return [Block(segments=segments)] if segments else []


def whole_words(ops: list[Op]) -> list[Op]:
    """The same edit with every changed run widened to whole words, so `poof` -> `proof`
    reads as a replaced word rather than an inserted letter."""
    ops = list(ops)
    result: list[Op] = []
    index = 0
    while index < len(ops):
        if ops[index][0] == EQUAL:
            result.append(ops[index])
            index += 1
            continue
        end = index
        while end < len(ops) and ops[end][0] != EQUAL:
            end += 1
        deleted = "".join(t for op, t in ops[index:end] if op == DELETE)
        inserted = "".join(t for op, t in ops[index:end] if op == INSERT)
        prefix = _split_prefix(result, deleted + inserted)
        suffix = _split_suffix(ops, end, deleted, inserted)
        if deleted or prefix or suffix:
            result.append((DELETE, prefix + deleted + suffix))
        if inserted or prefix or suffix:
            result.append((INSERT, prefix + inserted + suffix))
        index = end
    return [(op, text) for op, text in result if text]


def _split_prefix(result: list[Op], changed: str) -> str:
    """Move a word fragment that ends the preceding unchanged text into the change."""
    if not result or result[-1][0] != EQUAL or not changed[:1].isalnum():
        return ""
    if not result[-1][1][-1:].isalnum():
        return ""
    found = _WORD_END.search(result[-1][1])
    if not found:
        return ""
    result[-1] = (EQUAL, result[-1][1][: found.start()])
    return found.group()


def _split_suffix(ops: list[Op], end: int, deleted: str, inserted: str) -> str:
    """Take a word fragment that starts the following unchanged text into the change; the
    rest of that text is queued back into `ops` at `end`."""
    if end >= len(ops) or not any(t[-1:].isalnum() for t in (deleted, inserted)):
        return ""
    text = ops[end][1]
    found = _WORD_START.search(text)
    if not found:
        return ""
    ops[end] = (EQUAL, text[found.end():])
    return found.group()


def blocks_as_text(blocks: list[Block], width: int = TEXT_WIDTH) -> str:
    """Blocks for a plain-text part: `[-deleted-]`, `{+inserted+}`, wrapped paragraphs."""
    paragraphs = []
    for block in blocks:
        if block.skipped:
            plural = "s" if block.skipped > 1 else ""
            paragraphs.append(f"    [{block.skipped} unchanged paragraph{plural}]")
            continue
        line = "".join(_marked(s) for s in block.segments)
        paragraphs.append(
            textwrap.fill(line, width, initial_indent="    ", subsequent_indent="    ",
                          break_long_words=False, break_on_hyphens=False)
        )
    return "\n\n".join(paragraphs)


def _marked(segment: Segment) -> str:
    if segment.kind == "insert":
        return f"{{+{segment.text}+}}"
    if segment.kind == "delete":
        return f"[-{segment.text}-]"
    return segment.text


def _paragraphs(ops: list[tuple[int, str]]) -> list[list[Segment]]:
    paragraphs: list[list[Segment]] = [[]]
    for op, text in ops:
        pieces = text.split("\n")
        for index, piece in enumerate(pieces):
            if index:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append(Segment(_KINDS[op], piece))
    return [p for p in paragraphs if p]


def _trim(paragraph: list[Segment], context: int) -> tuple[Segment, ...]:
    trimmed: list[Segment] = []
    last = len(paragraph) - 1
    for index, segment in enumerate(paragraph):
        if segment.kind != "equal" or len(segment.text) <= context * 2:
            trimmed.append(segment)
            continue
        head = segment.text[:context] if index > 0 else ""
        tail = segment.text[-context:] if index < last else ""
        if head:
            trimmed.append(Segment("equal", _cut_after_word(head)))
        trimmed.append(Segment("elided", "…"))
        if tail:
            trimmed.append(Segment("equal", _cut_before_word(tail)))
    return tuple(trimmed)


def _cut_after_word(text: str) -> str:
    """`text` shortened to its last whole word (it continues past the cut)."""
    cut = text.rfind(" ")
    return text[: cut + 1] if cut > len(text) // 2 else text


def _cut_before_word(text: str) -> str:
    """`text` starting at its first whole word (it began before the cut)."""
    cut = text.find(" ")
    return text[cut:] if 0 <= cut < len(text) // 2 else text
