"""The canonical form of extracted text: what two versions are compared and hashed on.

Only the comparison is canonical. The stored text keeps what a reader sees, so a page that
merely swaps a space for a non-breaking one, or gains a zero-width joiner, hashes the same.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable

INVISIBLE = frozenset(
    "\u00ad"  # soft hyphen
    "\u180e"  # Mongolian vowel separator
    "\u200b\u200c\u200d\u2060\ufeff"  # zero-width space, non-joiner, joiner, word joiner, BOM
    "\u200e\u200f\u061c"  # left-to-right, right-to-left and Arabic letter marks
    "\u202a\u202b\u202c\u202d\u202e"  # directional embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # directional isolates
)
_INVISIBLE_TABLE = {ord(c): None for c in INVISIBLE}
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]")


def canonical_line(text: str) -> str:
    """One paragraph: NFC, invisible characters removed, every space run one space, trimmed."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE_TABLE)
    return _HORIZONTAL_SPACE.sub(" ", text).strip()


def canonical_text(text: str) -> str:
    """A text of paragraphs (one per line): each canonicalised, empty ones dropped."""
    lines = (canonical_line(line) for line in _LINE_BREAKS.sub("\n", text).split("\n"))
    return "\n".join(line for line in lines if line)


def content_hash(fields: dict[str, str | Iterable[str] | None]) -> str:
    """SHA-256 of the canonical form of every field, in a fixed order of field names."""
    canonical: dict[str, str | list[str] | None] = {}
    for name in sorted(fields):
        value = fields[name]
        if value is None or isinstance(value, str):
            canonical[name] = canonical_text(value) if value is not None else None
        else:
            canonical[name] = [canonical_line(item) for item in value]
    encoded = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
