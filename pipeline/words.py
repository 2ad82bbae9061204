"""Words for counting edits, found with Unicode-aware boundaries.

A word is a run of letters, digits and combining marks, with apostrophes inside it
(`don't`, `l'accord`): Cyrillic, Latin and Arabic words are never split. Scripts written
without spaces (Han, Hiragana, Katakana, Thai) count one word per
character, so a one-character edit in a Chinese sentence counts as one word.
"""

from __future__ import annotations

import re

_UNSPACED = (
    r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f"
    r"\U00020000-\U0002fa1f"
)
_UNSPACED_CHAR = re.compile(rf"[{_UNSPACED}]")
_WORD = re.compile(
    rf"[{_UNSPACED}]|(?:(?![{_UNSPACED}])[\w\u0300-\u036f\u064b-\u065f])+"
    rf"(?:['’](?:(?![{_UNSPACED}])[\w])+)*"
)


def words(text: str) -> list[str]:
    """The words of `text` in order."""
    return _WORD.findall(text)


def in_word(char: str) -> bool:
    """Whether `char` can continue a word of a spaced script (so an edit next to it is part
    of that word)."""
    return bool(_WORD.fullmatch(char)) and not _UNSPACED_CHAR.match(char) or char in "'’"
