"""Noise: what differs between nights without being an edit.

Two kinds. Dynamic noise (view counter, CSRF token, footer timestamp) changes every night
on every page and is left out of the ETag, like values a CMS injects after its page cache.
Template noise (whitespace, non-breaking spaces, attribute order, advertisement block) only
changes on the nights script.NOISE_EXTRA names, only on pages whose statement id is not a
multiple of 3 (listing pages always), and is part of the ETag.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from testbed import script
from testbed.model import night_clock

WHITESPACE = "whitespace"
NBSP = "non-breaking spaces"
ATTRIBUTE_ORDER = "attribute order"
ADVERT = "advertisement block"


@dataclass(frozen=True)
class Noise:
    """The noise values of one page on one night."""

    views: int
    csrf: str
    generated: str
    whitespace: int
    nbsp: bool
    attributes_swapped: bool
    advert: int

    @property
    def template_key(self) -> tuple[int, bool, bool, int]:
        return (self.whitespace, self.nbsp, self.attributes_swapped, self.advert)


def _variant(night: int, kind: str) -> int:
    return sum(1 for m in range(1, night + 1) if kind in script.NOISE_EXTRA.get(m, ()))


@cache
def _night_values(night: int) -> tuple[str, str]:
    csrf = hashlib.sha1(f"csrf:{night}".encode()).hexdigest()
    stamp = night_clock(night) + timedelta(seconds=7 + night * 13)
    return csrf, stamp.strftime("%Y-%m-%d %H:%M:%S MSK")


def template_noise_applies(source_id: str | None) -> bool:
    return source_id is None or int(source_id) % 3 != 0


def page_noise(night: int, page_key: str, source_id: str | None = None) -> Noise:
    """`page_key` identifies the page (its path) for the view counter."""
    crc = zlib.crc32(page_key.encode())
    views = 40 + crc % 9000 + night * (17 + crc % 113)
    csrf, generated = _night_values(night)
    if not template_noise_applies(source_id):
        return Noise(views, csrf, generated, 0, False, False, 0)
    return Noise(
        views=views,
        csrf=csrf,
        generated=generated,
        whitespace=_variant(night, WHITESPACE) % 3,
        nbsp=_variant(night, NBSP) % 2 == 1,
        attributes_swapped=_variant(night, ATTRIBUTE_ORDER) % 2 == 1,
        advert=_variant(night, ADVERT),
    )


def paragraph(text_html: str, noise: Noise) -> str:
    """A `<p>` laid out as the night's whitespace and NBSP variants say."""
    if noise.nbsp:
        text_html = text_html.replace(" ", "&nbsp;", 1)
    if noise.whitespace == 1:
        return f"<p>\n      {text_html}\n    </p>\n"
    if noise.whitespace == 2:
        return f"<p>{text_html.replace('. ', '.  ')} </p>\n\n"
    return f"<p>{text_html}</p>\n"


def attributes(noise: Noise, *pairs: tuple[str, str]) -> str:
    ordered = reversed(pairs) if noise.attributes_swapped else pairs
    return " ".join(f'{name}="{value}"' for name, value in ordered)
