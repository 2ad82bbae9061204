"""The figures of one field's edit: a stored patch, characters and words added and removed,
and a similarity, all from the one diff function in `pipeline.textdiff`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from diff_match_patch import diff_match_patch

from pipeline.textdiff import DELETE, EQUAL, INSERT, diff_ops, patch_text
from pipeline.words import in_word, words


@dataclass(frozen=True)
class FieldEdit:
    patch: str
    chars_added: int
    chars_removed: int
    words_added: int
    words_removed: int
    similarity: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _word_diff(old: str, new: str) -> tuple[int, int]:
    """(added, removed) words between two short texts, whole words compared.

    Each distinct word becomes one private-use character, so diff-match-patch compares
    whole words and an edit inside a word counts that word once on each side.
    """
    codes: dict[str, str] = {}

    def encode(text: str) -> str:
        return "".join(codes.setdefault(w, chr(0xF0000 + len(codes))) for w in words(text))

    engine = diff_match_patch()
    engine.Diff_Timeout = 5.0
    added = removed = 0
    for op, text in engine.diff_main(encode(old), encode(new), False):
        if op == INSERT:
            added += len(text)
        elif op == DELETE:
            removed += len(text)
    return added, removed


def _hunks(ops: list[tuple[int, str]]) -> list[tuple[int, int, int, int]]:
    """(old start, old end, new start, new end) of each run of edits between equal parts."""
    hunks: list[tuple[int, int, int, int]] = []
    i = j = 0
    start: tuple[int, int] | None = None
    for op, text in ops:
        if op == EQUAL:
            if start is not None:
                hunks.append((start[0], i, start[1], j))
                start = None
            i += len(text)
            j += len(text)
            continue
        if start is None:
            start = (i, j)
        if op == DELETE:
            i += len(text)
        else:
            j += len(text)
    if start is not None:
        hunks.append((start[0], i, start[1], j))
    return hunks


def word_changes(old: str, new: str, ops: list[tuple[int, str]] | None = None) -> tuple[int, int]:
    """(words added, words removed): each edit is widened to whole words on both sides and
    only those stretches are compared word by word, so long texts cost little."""
    widened: list[list[int]] = []
    for a, b, c, d in _hunks(ops if ops is not None else diff_ops(old, new)):
        while a > 0 and c > 0 and in_word(old[a - 1]):
            a, c = a - 1, c - 1
        while b < len(old) and d < len(new) and in_word(old[b]):
            b, d = b + 1, d + 1
        if widened and a <= widened[-1][1]:
            widened[-1][1], widened[-1][3] = b, d
        else:
            widened.append([a, b, c, d])
    added = removed = 0
    for a, b, c, d in widened:
        more, fewer = _word_diff(old[a:b], new[c:d])
        added, removed = added + more, removed + fewer
    return added, removed


def similarity(ops: list[tuple[int, str]], old: str, new: str) -> float:
    """1 minus the share of characters that differ (Levenshtein over the longer text)."""
    longest = max(len(old), len(new))
    if longest == 0:
        return 1.0
    return round(1 - diff_match_patch().diff_levenshtein(ops) / longest, 4)


def field_edit(old: str, new: str) -> FieldEdit:
    ops = diff_ops(old, new)
    added = sum(len(text) for op, text in ops if op == INSERT)
    removed = sum(len(text) for op, text in ops if op == DELETE)
    words_added, words_removed = word_changes(old, new, ops)
    return FieldEdit(
        patch=patch_text(old, ops) if any(op != EQUAL for op, _ in ops) else "",
        chars_added=added,
        chars_removed=removed,
        words_added=words_added,
        words_removed=words_removed,
        similarity=similarity(ops, old, new),
    )
