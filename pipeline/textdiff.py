"""The one way texts are compared: diff-match-patch with semantic clean-up.

The diff stage stores patches and figures made here; mails, the CLI and the web pages render
edits from `diff_ops` on the two stored versions, so every reader sees the same edit.
The diff itself runs in diff-match-patch's C++ port (`fast_diff_match_patch`), about six
times faster than the Python one on statement-sized texts; patches are made and applied by the
Python library from those operations, so stored patches keep the standard `patch_toText` form.
"""

from __future__ import annotations

import fast_diff_match_patch
from diff_match_patch import diff_match_patch

Op = tuple[int, str]
DELETE, EQUAL, INSERT = -1, 0, 1
DIFF_TIMEOUT_S = 5.0
_OPS = {"-": DELETE, "=": EQUAL, "+": INSERT}


def _engine() -> diff_match_patch:
    engine = diff_match_patch()
    engine.Diff_Timeout = DIFF_TIMEOUT_S
    return engine


def diff_ops(old: str, new: str) -> list[Op]:
    """The edit from `old` to `new` as (operation, text) pairs, cleaned up for people."""
    pairs = fast_diff_match_patch.diff(
        old, new, timelimit=DIFF_TIMEOUT_S, cleanup="Semantic", counts_only=False
    )
    return [(_OPS[op], text) for op, text in pairs]


def patch_text(old: str, ops: list[Op]) -> str:
    """A textual patch (`patch_toText`) that turns `old` into the new text."""
    engine = _engine()
    return engine.patch_toText(engine.patch_make(old, list(ops)))


def apply_patch(old: str, patch: str) -> str:
    """Apply a stored patch; raises ValueError when any hunk does not apply."""
    engine = _engine()
    new, applied = engine.patch_apply(engine.patch_fromText(patch), old)
    if not all(applied):
        raise ValueError("patch does not apply to this text")
    return new
