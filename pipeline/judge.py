"""What one capture is: a usable statement page (with its content), or why it is not.

The outcomes are those of docs/architecture.md ("Capture outcomes"); `usable` becomes
`version` or `unchanged` once the content is compared with the edition's current version.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.canonical import content_hash
from pipeline.dates import parse_date
from pipeline.extract import Extracted, extract_page, parse_page
from pipeline.notcontent import error_page, redirect_away, unusable_reason
from scrapers.sitefile import Site
from storage.models import Capture
from storage.versions import VersionContent

USABLE = "usable"
NOT_MODIFIED = "not_modified"
GONE = "gone"
ERROR = "error"
UNUSABLE = "unusable"
NOT_STATEMENT = "not_statement"
DATE_PROBLEM = "unparsed date"


@dataclass(frozen=True)
class Judgement:
    """`outcome` and `reason`; `content` is set only when the capture is usable."""

    outcome: str
    reason: str | None = None
    content: VersionContent | None = None


def version_content(extracted: Extracted, lang: str, site: Site) -> tuple[VersionContent, str]:
    """The content to store and compare; the second item names an unparsed date, or is ''."""
    published = parse_date(extracted.published_text, lang, site) if extracted.published_text \
        else None
    digest = content_hash({
        "title": extracted.title,
        "published": extracted.published_text,
        "number": extracted.number,
        "tags": extracted.tags,
        "body": extracted.body,
    })
    content = VersionContent(
        content_hash=digest,
        title=extracted.title,
        body=extracted.body,
        published_at=published.value if published else None,
        published_text=extracted.published_text,
        number=extracted.number,
        tags=list(extracted.tags),
    )
    problem = f"{DATE_PROBLEM}: {published.problem}" if published and published.problem else ""
    return content, problem


def judge_status(capture: Capture, site: Site) -> Judgement | None:
    """The outcome decided by the response status alone, or None for a 2xx to read."""
    status = capture.http_status
    if capture.error_kind or status is None:
        return Judgement(ERROR, capture.error_kind or "no response")
    if status == 304:
        return Judgement(NOT_MODIFIED)
    if status in (404, 410):
        return Judgement(GONE, f"http_{status}")
    if 300 <= status < 400:
        target = capture.final_url or capture.meta.get("location")
        if not target:
            return Judgement(ERROR, f"http_{status} without a location")
        away = redirect_away(site, capture.url, site.absolute(target))
        return Judgement(GONE, away) if away else Judgement(ERROR, f"http_{status} not followed")
    if not 200 <= status < 300:
        return Judgement(ERROR, f"http_{status}")
    away = redirect_away(site, capture.url, capture.final_url)
    return Judgement(GONE, away) if away else None


def judge(capture: Capture, raw: bytes | None, site: Site) -> Judgement:
    if capture.edition_id is None or capture.edition is None:
        return Judgement(UNUSABLE, NOT_STATEMENT)
    decided = judge_status(capture, site)
    if decided is not None:
        return decided
    raw = raw or b""
    page = parse_page(raw)
    is_error_page = error_page(page, site)
    extracted = extract_page(page, site)
    reason = unusable_reason(raw, extracted, site, is_error_page)
    if reason:
        return Judgement(UNUSABLE, reason)
    content, problem = version_content(extracted, capture.edition.lang, site)
    return Judgement(USABLE, problem or None, content)
