"""Fields of a statement page, read with the site file's selectors.

Boilerplate (`statement.drop`) is removed first. Text keeps what a reader sees: HTML
whitespace is collapsed as a browser would, non-breaking spaces stay, and every block
element (paragraph, heading, list item, `<br>`) starts a new line, so one paragraph is
one line and diffs read like the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from parsel import Selector, SelectorList

from scrapers.sitefile import Site

BLOCKS = frozenset(
    "address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody thead tfoot tr td th ul".split()
)
SKIPPED = frozenset(("script", "style", "noscript", "template"))
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


@dataclass(frozen=True)
class Extracted:
    """What the page says. `body_found` is False when the body selector matched nothing."""

    title: str
    body: str
    body_found: bool
    published_text: str | None = None
    number: str | None = None
    tags: list[str] = field(default_factory=list)


def select(page: Selector, selector: str) -> SelectorList:
    """CSS, or XPath when the selector starts with `/` or `(` (as the site file allows)."""
    if selector.startswith(("/", "(")):
        return page.xpath(selector)
    return page.css(selector)


def parse_page(raw: bytes | str) -> Selector:
    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    return Selector(text=text or "<html></html>")


def drop_boilerplate(page: Selector, selectors: list[str]) -> None:
    for selector in selectors:
        for match in select(page, selector):
            if not isinstance(match.root, str) and match.root.getparent() is not None:
                match.drop()


def _walk(element: etree._Element, out: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in SKIPPED or not isinstance(element.tag, str):
        return
    block = tag in BLOCKS
    if block:
        out.append("\n")
    if tag == "br":
        out.append("\n")
    out.append(_HTML_SPACE.sub(" ", element.text or ""))
    for child in element:
        _walk(child, out)
        out.append(_HTML_SPACE.sub(" ", child.tail or ""))
    if block:
        out.append("\n")


def _lines(raw: str) -> list[str]:
    lines = (re.sub(" +", " ", line).strip(" ") for line in raw.split("\n"))
    return [line for line in lines if line]


def block_text(matches: SelectorList) -> str:
    """The matched elements' text, one line per block, blank lines dropped."""
    out: list[str] = []
    for match in matches:
        if isinstance(match.root, str):
            out.extend((_HTML_SPACE.sub(" ", match.root), "\n"))
        else:
            _walk(match.root, out)
    return "\n".join(_lines("".join(out)))


def inline_text(matches: SelectorList) -> str:
    """The matched elements' text on one line (titles, dates, numbers)."""
    return " ".join(block_text(matches).split("\n"))


def extract(raw: bytes | str, site: Site) -> Extracted:
    return extract_page(parse_page(raw), site)


def extract_page(page: Selector, site: Site) -> Extracted:
    """The fields of a parsed page; its boilerplate is dropped from `page` on the way."""
    drop_boilerplate(page, site.statement.drop)
    fields = site.statement.fields
    body = select(page, fields.body)

    def optional(selector: str | None) -> str | None:
        return (inline_text(select(page, selector)) or None) if selector else None

    tag_matches = select(page, fields.tags) if fields.tags else SelectorList()
    tags = [inline_text(SelectorList([m])) for m in tag_matches]
    return Extracted(
        title=inline_text(select(page, fields.title)),
        body=block_text(body),
        body_found=len(body) > 0,
        published_text=optional(fields.published),
        number=optional(fields.number),
        tags=[t for t in tags if t],
    )
