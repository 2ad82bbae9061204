"""How much an edit matters: `cosmetic`, `minor` or `substantive`.

- cosmetic: every touched field reads the same once whitespace, punctuation and typographic
  variants (quotes, dashes, ellipses) are set aside: the letters and digits are unchanged;
- substantive: the title, publication date or document number changed beyond that, or the
  body and tags gained or lost more than MINOR_WORDS words;
- minor: anything else (a fixed typo, one word swapped).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pipeline.canonical import canonical_text
from pipeline.figures import FieldEdit

COSMETIC, MINOR, SUBSTANTIVE = "cosmetic", "minor", "substantive"
HEADLINE_FIELDS = frozenset(("title", "published", "number"))
MINOR_WORDS = 3
_LETTERS_AND_DIGITS = re.compile(r"[^\W_]+")


def letters(text: str) -> str:
    """The letters and digits of `text`, in order, without anything between them."""
    return "".join(_LETTERS_AND_DIGITS.findall(canonical_text(text)))


def is_cosmetic(old: str, new: str) -> bool:
    return letters(old) == letters(new)


def significance(texts: Mapping[str, tuple[str, str]], edits: Mapping[str, FieldEdit]) -> str:
    """Classify an edit from each touched field's (old, new) texts and its figures."""
    meaningful = [name for name, (old, new) in texts.items() if not is_cosmetic(old, new)]
    if not meaningful:
        return COSMETIC
    if HEADLINE_FIELDS.intersection(meaningful):
        return SUBSTANTIVE
    added = sum(edits[name].words_added for name in meaningful)
    removed = sum(edits[name].words_removed for name in meaningful)
    return SUBSTANTIVE if max(added, removed) > MINOR_WORDS else MINOR
