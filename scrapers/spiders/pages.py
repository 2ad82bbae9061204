"""Reading the pages the spider meets: listing and feed links, the language switcher, and
whether a 200 page is the statement at all."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from parsel import Selector
from scrapy.http import Response, TextResponse

from scrapers.sitefile import Site, host_allowed, select

FEED_LINKS = (
    "//item/link/text() | //*[local-name()='entry']/*[local-name()='link']/@href"
)
JS_COOKIE = re.compile(r"""document\.cookie\s*=\s*['"]\s*([^=;'"\s]+)=([^;'"]*)""")


def allowed(site: Site, url: str) -> bool:
    """Whether `url` is http(s) on one of the site's allowed domains."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and host_allowed(
        parts.hostname or "", site.allowed_domains
    )


def statement_links(
    site: Site, response: Response, expression: str
) -> Iterator[tuple[str, str, str] | None]:
    """(url, lang, source_id) for each statement link `expression` selects; None for a link to
    a host outside the site, which is never followed."""
    for href in select(response, expression).getall():
        url = response.urljoin(href.strip())
        if not allowed(site, url):
            yield None
            continue
        found = site.match_statement(url)
        if found:
            yield url, found[0], found[1]


def switcher_editions(site: Site, response: Response, source_id: str) -> list[tuple[str, str]]:
    """(lang, url) of every edition of this statement the page's language switcher lists."""
    editions: dict[str, str] = {}
    for link in statement_links(site, response, site.statement.editions):
        if link is None:
            continue
        url, lang, linked_id = link
        if linked_id == source_id and lang in site.languages:
            editions.setdefault(lang, url)
    return list(editions.items())


def text_of(selector: Selector) -> str:
    if isinstance(selector.root, str):
        return selector.root
    return selector.xpath("string()").get() or ""


def page_problem(site: Site, response: Response) -> tuple[str, str] | None:
    """(error kind, reason) when a 200 page is not the statement: an interstitial, the site's
    error template, or a page without a body of content."""
    if not isinstance(response, TextResponse):
        return "malformed", "not a text page"
    rules = site.statement.not_content
    text = response.text
    for phrase in rules.texts:
        if phrase in text:
            return "interstitial", f"page says {phrase!r}"
    for marker in rules.selectors:
        if select(response, marker):
            return "error_page", f"page has the error marker {marker!r}"
    body = " ".join(text_of(s) for s in select(response, site.statement.fields.body)).strip()
    if len(body) < rules.min_body_chars:
        return "malformed", f"body has {len(body)} characters, fewer than {rules.min_body_chars}"
    return None


def script_cookie(response: Response) -> dict[str, str]:
    """A cookie an interstitial sets from JavaScript, for the retry to carry."""
    if not isinstance(response, TextResponse):
        return {}
    found = JS_COOKIE.search(response.text)
    return {found.group(1): found.group(2)} if found else {}
