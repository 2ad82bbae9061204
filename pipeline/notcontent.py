"""Pages that are not the statement, though the server answered.

Each check is small and named; `unusable_reason` returns the first that applies. A redirect
away from the statement is told apart by `redirect_away`, because a confirmed one means the
edition is gone rather than that the page was unreadable.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from parsel import Selector

from pipeline.extract import Extracted, parse_page, select
from scrapers.sitefile import Site

INTERSTITIAL = "interstitial"
ERROR_PAGE = "error_page"
EMPTY = "empty"
TRUNCATED = "truncated"
MALFORMED = "malformed"
REDIRECT_HOME = "redirect_home"
REDIRECT_AWAY = "redirect_away"
_HOME_PATH = re.compile(r"^/(?:[a-z]{2}(?:[-_][A-Za-z]{2})?/?)?(?:index\.[a-z]+)?$")


def redirect_away(site: Site, requested: str, final: str | None) -> str | None:
    """REDIRECT_HOME or REDIRECT_AWAY when `final` is not the statement `requested` named."""
    if not final or final == requested:
        return None
    wanted, landed = site.match_statement(requested), site.match_statement(final)
    if landed is not None and landed == wanted:
        return None
    return REDIRECT_HOME if _HOME_PATH.match(urlsplit(final).path or "/") else REDIRECT_AWAY


def truncated(raw: str) -> bool:
    """A document whose head is complete but whose `<html>` never closes was cut off in
    transfer; one broken before its head ends is malformed instead."""
    lowered = raw.lower()
    return "</head>" in lowered and "</html>" not in lowered


def error_page(page: Selector, site: Site) -> bool:
    """Whether the page, boilerplate included, matches a `not_content` selector."""
    return any(select(page, selector) for selector in site.statement.not_content.selectors)


def unusable_reason(
    raw: bytes, extracted: Extracted, site: Site, is_error_page: bool | None = None
) -> str | None:
    """Why this 200 response is not the statement, or None when it is. `is_error_page` is
    `error_page` of the page before its boilerplate was dropped; None parses `raw` for it.

    Interstitial phrases are only looked for on pages without the body block, so a
    statement that quotes such a phrase is still a statement.
    """
    if not raw.strip():
        return EMPTY
    html = raw.decode("utf-8", "replace")
    rules = site.statement.not_content
    if is_error_page is None:
        is_error_page = error_page(parse_page(html), site)
    if is_error_page:
        return ERROR_PAGE
    if not extracted.body_found and any(phrase in html for phrase in rules.texts):
        return INTERSTITIAL
    if truncated(html):
        return TRUNCATED
    if not extracted.body_found:
        return MALFORMED
    if len(extracted.body) < rules.min_body_chars:
        return EMPTY
    return None
