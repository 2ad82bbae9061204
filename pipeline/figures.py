"""The figures of one field's edit: a stored patch, characters and words added and removed,
and a similarity, all from the one diff function in `pipeline.textdiff`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from diff_match_patch import diff_match_patch

from pipeline.textdiff import DELETE, EQUAL, INSERT, diff_ops, patch_text
from pipeline.words import words


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


def word_changes(old: str, new: str) -> tuple[int, int]:
    """(words added, words removed), diffing the two texts word by word.

    Each distinct word becomes one private-use character, so diff-match-patch compares
    whole words and an edit inside a word counts that word once on each side.
    """
    codes: dict[str, str] = {}

    def encode(text: str) -> str:
        return "".join(codes.setdefault(w, chr(0xF0000 + len(codes))) for w in words(text))

    old_codes, new_codes = encode(old), encode(new)
    engine = diff_match_patch()
    engine.Diff_Timeout = 5.0
    added = removed = 0
    for op, text in engine.diff_main(old_codes, new_codes, False):
        if op == INSERT:
            added += len(text)
        elif op == DELETE:
            removed += len(text)
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
    words_added, words_removed = word_changes(old, new)
    return FieldEdit(
        patch=patch_text(old, ops) if any(op != EQUAL for op, _ in ops) else "",
        chars_added=added,
        chars_removed=removed,
        words_added=words_added,
        words_removed=words_removed,
        similarity=similarity(ops, old, new),
    )
