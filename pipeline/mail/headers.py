"""A message policy whose Subject survives every decoder, Cyrillic and Arabic included.

Python 3.11's header folder can put the space between two words into the fold between two
RFC 2047 encoded words, where decoders drop it (`Заявление МИД` arrives as `ЗаявлениеМИД`).
Here the ASCII lead of a subject stays plain and the rest is cut into encoded words that keep
every space inside them.
"""

from __future__ import annotations

import base64
from email.policy import EmailPolicy
from typing import Any

MAX_LINE = 78
CHUNK_BYTES = 45


def encode_subject(value: str, linesep: str = "\r\n") -> str:
    """`Subject: ...` folded to lines of at most 78 characters, with the line separator."""
    if value.isascii():
        return _fold_words("Subject:", value.split(" "), linesep)
    words = value.split(" ")
    plain_count = next(i for i, word in enumerate(words) if not word.isascii())
    plain, rest = words[:plain_count], " ".join(words[plain_count:])
    return _fold_words("Subject:", plain + _encoded_words(rest), linesep)


def _encoded_words(text: str) -> list[str]:
    chunks: list[str] = []
    current = ""
    for char in text:
        if len((current + char).encode("utf-8")) > CHUNK_BYTES:
            chunks.append(current)
            current = ""
        current += char
    chunks.append(current)
    return [f"=?utf-8?b?{base64.b64encode(c.encode('utf-8')).decode('ascii')}?=" for c in chunks]


def _fold_words(lead: str, words: list[str], linesep: str) -> str:
    """Words joined by single spaces, breaking lines at those spaces (never inside a word).

    Adjacent encoded words may be joined only by a fold, which decoders ignore; a fold is
    always put between them."""
    lines = [lead]
    for index, word in enumerate(words):
        previous_encoded = index > 0 and words[index - 1].startswith("=?")
        must_fold = previous_encoded and word.startswith("=?")
        if must_fold or len(lines[-1]) + 1 + len(word) > MAX_LINE and lines[-1] != lead:
            lines.append(" " + word)
        else:
            lines[-1] += " " + word
    return linesep.join(lines) + linesep


class AlertPolicy(EmailPolicy):
    """SMTP policy (CRLF) with the Subject folded by `encode_subject`."""

    def fold(self, name: str, value: Any) -> str:
        if name.lower() == "subject":
            return encode_subject(str(value), self.linesep)
        return super().fold(name, value)

    def fold_binary(self, name: str, value: Any) -> bytes:
        if name.lower() == "subject":
            return encode_subject(str(value), self.linesep).encode("ascii")
        return super().fold_binary(name, value)


ALERT_POLICY = AlertPolicy(linesep="\r\n")
