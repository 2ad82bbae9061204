"""`scrapy crawl statements -a site=KEY -a run=RUN_KEY [-a base_url=URL] [-a languages=en,ru]
[-a polite=0]`: discover statements from listing pages and feeds, re-check known editions per
the site's policy, follow each statement's language switcher, and yield one capture per
edition URL, answered or not."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.response import response_status_message
from twisted.python.failure import Failure

from scrapers.items import capture_of_failure, capture_of_response, failure_kind, status_error_kind
from scrapers.settings import site_settings
from scrapers.sitefile import Listing, load_site
from scrapers.spiders.pages import (
    FEED_LINKS,
    allowed,
    page_problem,
    script_cookie,
    statement_links,
    switcher_editions,
)
from scrapers.spiders.report import CrawlReport
from storage.captures import CaptureData
from storage.crawl_state import (
    KnownEdition,
    RecheckPolicy,
    known_editions,
    known_source_ids,
    shard_key,
)
from storage.db import create_db_engine, transaction
from storage.errors import InputError
from storage.runs import open_run

logger = logging.getLogger(__name__)
MAX_SAME_STATEMENT_REDIRECTS = 3
MAX_INTERSTITIAL_RETRIES = 2


def parse_languages(raw: str | None, site_languages: list[str]) -> list[str]:
    """The shard's languages from `-a languages=en,ru`; all of the site's when absent."""
    if not raw:
        return list(site_languages)
    langs = [lang.strip() for lang in raw.split(",") if lang.strip()]
    unknown = [lang for lang in langs if lang not in site_languages]
    if unknown or not langs:
        raise InputError(
            f"languages {raw!r}: the site publishes {', '.join(site_languages)}, not "
            f"{', '.join(unknown) or 'an empty list'}"
        )
    return langs


class StatementsSpider(Spider):
    name = "statements"

    def __init__(
        self,
        site: str,
        run: str,
        base_url: str | None = None,
        languages: str | None = None,
        polite: str = "1",
        recheck: str = "policy",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.site = load_site(site, base_url=base_url)
        self.run_key = run
        self.languages = parse_languages(languages, self.site.languages)
        self.shard = shard_key(self.languages if languages else None)
        self.polite = polite.strip().lower() not in ("0", "false", "no", "off")
        if recheck not in ("policy", "all"):
            raise InputError(f"recheck={recheck!r}: use 'policy' or 'all'")
        self.recheck_all = recheck == "all"
        self.allowed_domains = list(self.site.allowed_domains)
        self.report = CrawlReport()
        self.known: dict[tuple[str, str], KnownEdition] = {}
        self.known_ids: set[str] = set()
        self.requested: set[tuple[str, str]] = set()
        self.run_started: datetime | None = None
        self.engine = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> StatementsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        for name, value in site_settings(spider.site, spider.polite).items():
            crawler.settings.set(name, value, priority="spider")
        return spider

    async def start(self) -> AsyncIterator[Request]:
        self.engine = create_db_engine()
        due = self._load_state()
        for lang in self.languages:
            for index, listing in enumerate(self.site.listings):
                if listing.languages is None or lang in listing.languages:
                    yield self._listing_request(index, lang, listing.first_page)
        for url, lang in self._feed_urls():
            yield Request(url, callback=self.parse_feed, errback=self.page_failed,
                          cb_kwargs={"lang": lang})
        for edition in due:
            url = self._on_base(edition.url)
            request = self._statement_request(url, edition.source_id, edition.lang)
            if request is not None:
                self.report.count("editions_rechecked")
                yield request

    def _load_state(self) -> list[KnownEdition]:
        """Open the run, read the known editions and pick those due for a re-check."""
        with transaction(self.engine) as session:
            run = open_run(session, self.run_key, self.site.key)
            self.run_started = run.started_at
            editions = known_editions(session, self.site.key)
        self.known = {(e.source_id, e.lang): e for e in editions}
        self.known_ids = {e.source_id for e in editions}
        recheck = self.site.recheck
        policy = RecheckPolicy(recheck.recent_days, recheck.every_days)
        mine = [e for e in editions if e.lang in self.languages]
        due = mine if self.recheck_all else [e for e in mine if policy.due(e, self.run_started)]
        self.report.policy = {
            "recheck": "all" if self.recheck_all else policy.describe(self.run_started.date()),
            "languages": self.languages,
            "polite": self.polite,
            "known_editions": len(mine),
            "due_editions": len(due),
        }
        logger.info("crawl policy of %s shard %s: %s", self.site.key, self.shard,
                    self.report.policy)
        return due

    def _on_base(self, url: str) -> str:
        """A stored edition URL moved onto this crawl's base URL (a testbed on another port,
        a site file's new host); the path and query are the edition's."""
        parts = urlsplit(url)
        return self.site.absolute(parts.path + (f"?{parts.query}" if parts.query else ""))

    def _feed_urls(self) -> list[tuple[str, str | None]]:
        urls: dict[str, str | None] = {}
        for template in self.site.feeds:
            for lang in self.languages if "{lang}" in template else [None]:
                url = self.site.absolute(template.format(lang=lang) if lang else template)
                urls.setdefault(url, lang)
        return list(urls.items())

    def _listing_request(self, index: int, lang: str, page: int) -> Request:
        listing = self.site.listings[index]
        url = self.site.absolute(listing.url.format(lang=lang, page=page))
        return Request(url, callback=self.parse_listing, errback=self.page_failed,
                       cb_kwargs={"index": index, "lang": lang, "page": page})

    def _statement_request(self, url: str, source_id: str, lang: str) -> Request | None:
        """A request for one edition, conditional when a good capture is known; None when the
        edition was already requested in this crawl or the URL is off the site."""
        key = (source_id, lang)
        if key in self.requested or not allowed(self.site, url):
            return None
        self.requested.add(key)
        headers = {}
        known = self.known.get(key)
        if known is not None and known.etag:
            headers["If-None-Match"] = known.etag
        if known is not None and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        if known is None:
            self.report.count("new_editions_requested")
            if source_id not in self.known_ids:
                self.known_ids.add(source_id)
                self.report.count("new_statements")
        meta = {"edition": key, "edition_url": url, "dont_redirect": True,
                "handle_httpstatus_all": True}
        return Request(url, callback=self.parse_statement, errback=self.statement_failed,
                       headers=headers, meta=meta)

    def _new_links(self, response: Response, expression: str) -> tuple[bool, list[Request]]:
        """Requests for the statements `expression` links to that were not known before this
        run in the linked language, and whether the page held nothing new at all."""
        links = []
        for link in statement_links(self.site, response, expression):
            if link is None:
                self.report.count("offsite_links_skipped")
            elif link[1] in self.site.languages:
                links.append(link)
        by_lang: dict[str, list[str]] = {}
        for _, lang, source_id in links:
            by_lang.setdefault(lang, []).append(source_id)
        with transaction(self.engine) as session:
            known = {
                (source_id, lang)
                for lang, ids in by_lang.items()
                for source_id in known_source_ids(
                    session, self.site.key, lang, ids, self.run_started
                )
            }
        fresh = [(url, lang, sid) for url, lang, sid in links if (sid, lang) not in known]
        requests = [
            request
            for url, lang, source_id in fresh
            if (request := self._statement_request(url, source_id, lang)) is not None
        ]
        return not fresh, requests

    def parse_listing(self, response: Response, index: int, lang: str, page: int) -> Iterator:
        self.report.count("listing_pages")
        listing = self.site.listings[index]
        nothing_new, requests = self._new_links(response, listing.links)
        yield from requests
        if nothing_new:
            self.report.count("listings_stopped")
            logger.info("listing %s stops at page %d: nothing new on it", lang, page)
            return
        if page - listing.first_page + 1 < self._page_limit(listing, lang):
            yield self._listing_request(index, lang, page + 1)

    def _page_limit(self, listing: Listing, lang: str) -> float:
        """`max_pages` once the language has known editions, `backfill_pages` before."""
        if any(known_lang == lang for _, known_lang in self.known):
            return listing.max_pages
        return listing.backfill_pages or float("inf")

    def parse_feed(self, response: Response, lang: str | None) -> Iterator:
        self.report.count("feed_pages")
        _, requests = self._new_links(response, FEED_LINKS)
        yield from requests

    def parse_statement(self, response: Response) -> Iterator[CaptureData | Request]:
        self.report.count("statement_pages")
        status = response.status
        if 300 <= status < 400 and status != 304:
            yield from self._redirected(response)
        elif status == 200:
            yield from self._answered(response)
        else:
            kind = status_error_kind(status)
            yield self._capture(response, keep_body=False, error_kind=kind,
                                error=response_status_message(status) if kind else None)

    def _capture(self, response: Response, keep_body: bool, **fields: Any) -> CaptureData:
        source_id, lang = response.meta["edition"]
        return capture_of_response(response, url=response.meta["edition_url"],
                                   source_id=source_id, lang=lang, keep_body=keep_body, **fields)

    def _redirected(self, response: Response) -> Iterator[CaptureData | Request]:
        """Follow a redirect to the same statement (a missing slash); record any other as a
        capture of the 3xx with its target, never fetching it."""
        location = response.headers.get(b"Location", b"").decode("latin-1")
        target = response.urljoin(location) if location else None
        hops = response.meta.get("same_statement_hops", 0)
        source_id, lang = response.meta["edition"]
        if (
            target
            and allowed(self.site, target)
            and self.site.match_statement(target) == (lang, source_id)
            and hops < MAX_SAME_STATEMENT_REDIRECTS
        ):
            self.report.count("same_statement_redirects")
            meta = {**response.meta, "same_statement_hops": hops + 1, "edition_url": target}
            yield response.request.replace(url=target, meta=meta, dont_filter=True)
            return
        yield self._capture(response, keep_body=False, final_url=target)

    def _answered(self, response: Response) -> Iterator[CaptureData | Request]:
        problem = page_problem(self.site, response)
        tries = response.meta.get("interstitial_tries", 0)
        if problem and problem[0] == "interstitial" and tries < MAX_INTERSTITIAL_RETRIES:
            self.report.count("interstitial_retries")
            meta = {**response.meta, "interstitial_tries": tries + 1}
            yield response.request.replace(dont_filter=True, meta=meta,
                                           cookies=script_cookie(response))
            return
        if problem:
            kind, reason = problem
            yield self._capture(response, keep_body=kind == "malformed", error_kind=kind,
                                error=reason)
            return
        source_id, _ = response.meta["edition"]
        editions = switcher_editions(self.site, response, source_id)
        yield self._capture(response, keep_body=True,
                            meta={"switcher": [lang for lang, _ in editions]})
        for lang, url in editions:
            if (source_id, lang) not in self.known:
                request = self._statement_request(url, source_id, lang)
                if request is not None:
                    self.report.count("switcher_editions_followed")
                    yield request

    def statement_failed(self, failure: Failure) -> Iterator[CaptureData]:
        request = failure.request
        source_id, lang = request.meta["edition"]
        yield capture_of_failure(failure, url=request.meta["edition_url"],
                                 source_id=source_id, lang=lang)

    def page_failed(self, failure: Failure) -> None:
        """A listing or feed page that could not be read: an error of the run, no capture."""
        exception = failure.value
        self.report.error(failure.request.url, failure_kind(exception),
                          str(exception).splitlines()[0] if str(exception) else "")

    def closed(self, reason: str) -> None:
        if self.engine is not None:
            self.engine.dispose()
