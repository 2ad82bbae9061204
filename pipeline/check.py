"""Check one statement now: fetch its editions with `requests`, then normalise and diff them.

The fetcher behaves as the crawler does: the same User-Agent, robots.txt obeyed, only hosts
of the site's allowed domains. It starts from the statement's known editions (or the URL
given), follows the language switcher of the first page it reads, and records everything
in a run of its own (kind `check`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import requests
from sqlalchemy import Engine

from pipeline.diffing import DiffResult, diff_run
from pipeline.extract import parse_page, select
from pipeline.normalise import normalise
from pipeline.stagerun import NormaliseResult
from scrapers.identity import user_agent
from scrapers.sitefile import Site, host_allowed
from storage.captures import CaptureData, record_captures
from storage.changes import changes_of_run
from storage.db import transaction
from storage.errors import InputError
from storage.models import Change
from storage.runs import close_run, open_run
from storage.statements import find_statement

SOURCE_ID = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,127}$")
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class ChangeLine:
    source_id: str
    lang: str
    kind: str
    significance: str | None
    fields: list[str]
    words_added: int
    words_removed: int

    def __str__(self) -> str:
        detail = f" ({self.significance}: {', '.join(self.fields)}; " \
            f"+{self.words_added}/-{self.words_removed} words)" if self.significance else ""
        return f"{self.source_id}/{self.lang}: {self.kind}{detail}"


@dataclass(frozen=True)
class CheckResult:
    run_key: str
    captures: list[CaptureData]
    normalised: NormaliseResult
    diffed: DiffResult
    changes: list[ChangeLine]


def change_line(change: Change) -> ChangeLine:
    return ChangeLine(change.edition.statement.source_id, change.edition.lang, change.kind,
                      change.significance, list(change.fields), change.words_added,
                      change.words_removed)


class Fetcher:
    """A polite `requests` session for one site."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.http = requests.Session()
        self.http.headers["User-Agent"] = user_agent()
        self.timeout = site.politeness.timeout_s
        self.robots = self._robots() if site.politeness.obey_robots else None

    def _robots(self) -> RobotFileParser:
        parser = RobotFileParser()
        try:
            response = self.http.get(f"{self.site.base_url}/robots.txt", timeout=self.timeout)
        except requests.RequestException:
            parser.parse([])
            return parser
        if response.status_code in (401, 403):
            parser.disallow_all = True
        else:
            parser.parse(response.text.splitlines() if response.ok else [])
        return parser

    def allowed(self, url: str) -> bool:
        if not host_allowed(urlsplit(url).hostname or "", self.site.allowed_domains):
            return False
        return self.robots is None or self.robots.can_fetch(user_agent(), url)

    def fetch(self, url: str, source_id: str, lang: str) -> CaptureData:
        """One capture of `url`, redirects followed only while they stay on the statement."""
        fetched_at = datetime.now(UTC)
        target = url
        try:
            for _ in range(MAX_REDIRECTS + 1):
                response = self.http.get(target, allow_redirects=False, timeout=self.timeout)
                location = response.headers.get("Location")
                if not (response.is_redirect and location):
                    break
                following = urljoin(target, location)
                if self.site.match_statement(following) != (lang, source_id) or \
                        not self.allowed(following):
                    target = following
                    break
                target = following
        except requests.RequestException as exc:
            return CaptureData(url=url, fetched_at=fetched_at, source_id=source_id, lang=lang,
                               error_kind=type(exc).__name__, error=str(exc)[:500])
        return CaptureData(
            url=url,
            fetched_at=fetched_at,
            http_status=response.status_code,
            final_url=target if target != url else None,
            source_id=source_id,
            lang=lang,
            edition_url=url,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            content_type=response.headers.get("Content-Type"),
            body=response.content,
        )


def switcher_editions(site: Site, capture: CaptureData, source_id: str) -> dict[str, str]:
    """lang -> URL of the other editions the page's language switcher links to."""
    if capture.http_status != 200 or not capture.body:
        return {}
    found = {}
    for href in select(parse_page(capture.body), site.statement.editions).getall():
        url = urljoin(capture.final_url or capture.url, href.strip())
        match = site.match_statement(url)
        if match and match[1] == source_id:
            found.setdefault(match[0], url)
    return found


def known_editions(engine: Engine, site: Site, wanted: str) -> tuple[str, dict[str, str]]:
    """The source id and lang -> URL of the editions to start from; InputError when `wanted`
    is neither a statement URL of the site nor a statement the database knows."""
    if "/" in wanted:
        match = site.match_statement(wanted)
        if match is None:
            raise InputError(f"{wanted!r} is not a statement URL of site {site.key}")
        return match[1], {match[0]: site.absolute(urlsplit(wanted).path)}
    if not SOURCE_ID.match(wanted):
        raise InputError(f"{wanted!r} is not a statement id")
    with transaction(engine) as session:
        statement = find_statement(session, site.key, wanted)
        if statement is None or not statement.editions:
            raise InputError(
                f"statement {wanted!r} of site {site.key} is not known yet; give its URL"
            )
        return wanted, {e.lang: site.absolute(urlsplit(e.url).path) for e in statement.editions}


def fetch_statement(site: Site, source_id: str, start: dict[str, str]) -> list[CaptureData]:
    fetcher = Fetcher(site)
    pending, captures, seen = dict(start), [], set()
    while pending:
        lang, url = next(iter(pending.items()))
        del pending[lang]
        seen.add(lang)
        if not fetcher.allowed(url):
            continue
        capture = fetcher.fetch(url, source_id, lang)
        captures.append(capture)
        if len(captures) == 1:
            for other, link in switcher_editions(site, capture, source_id).items():
                if other not in seen:
                    pending.setdefault(other, link)
    return captures


def check_statement(engine: Engine, site: Site, wanted: str) -> CheckResult:
    """Fetch, record, normalise and diff one statement's editions in a run of its own."""
    source_id, start = known_editions(engine, site, wanted)
    captures = fetch_statement(site, source_id, start)
    run_key = f"check-{source_id}-{datetime.now(UTC):%Y%m%dT%H%M%S.%fZ}"
    with transaction(engine) as session:
        run = open_run(session, run_key, site.key, kind="check")
        record_captures(session, run, captures)
    normalised = normalise(engine, site, run_key)
    diffed = diff_run(engine, site, run_key)
    with transaction(engine) as session:
        run = open_run(session, run_key, site.key, kind="check")
        changes = [change_line(change) for change in changes_of_run(session, run.id)]
        close_run(run)
    return CheckResult(run_key, captures, normalised, diffed, changes)
