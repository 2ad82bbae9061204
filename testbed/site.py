"""The replica site: routes a request to a page for the current night, after the faults."""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from datetime import datetime, timedelta

from storage.errors import InputError
from testbed import control, responses
from testbed.dates import http_date
from testbed.faults import Faults, FaultSpec
from testbed.httpd import RESET, TRUNCATE, Request, Response
from testbed.listings import (
    PAGE_SIZE,
    ROBOTS_TXT,
    home_page,
    listing_page,
    rss_feed,
    search_page,
)
from testbed.model import LANGS, LIVE, NEWS, REMOVED, SECTION_SLUGS, EditionView, night_clock
from testbed.noise import page_noise
from testbed.pages import statement_page
from testbed.timeline import Timeline
from testbed.truth import REDIRECT_LOCATION

STATEMENT = re.compile(r"^/(ru|en|de|fr|es)/([a-z_/]+?)/([0-9]+)/$")
SECTION_BY_SLUG = {(lang, slugs[lang]): section
                   for section, slugs in SECTION_SLUGS.items() for lang in LANGS}
LISTING_BY_SLUG = {f"/{lang}/{slug}/": (lang, section)
                   for (lang, slug), section in SECTION_BY_SLUG.items()}
CONTROL_PREFIX = "/_testbed/"


class Testbed:
    """Night, faults and request log of one running replica; `handle` answers one request."""

    def __init__(self, statements: int = 60, night: int = 0, seed: int = 1,
                 faults: list[FaultSpec] | None = None) -> None:
        if not 0 <= statements <= 200_000:
            raise InputError("--statements must be between 0 and 200000")
        self.timeline = Timeline(seed, statements)
        self.statements, self.seed = statements, seed
        self.night = 0
        self.set_night(night)
        self.faults = Faults(faults or [])
        self.port = 0
        self.log: deque[dict] = deque(maxlen=10_000)
        self.requests = 0
        self._lists: dict[tuple[str, str | None, int], list[str]] = {}
        self._lock = threading.Lock()
        self.truth_json: dict[int, bytes] = {}

    def set_night(self, night: int) -> None:
        if isinstance(night, bool) or not isinstance(night, int) or not (
                0 <= night <= self.timeline.last):
            raise InputError(f"night must be a whole number from 0 to {self.timeline.last}")
        self.night = night

    def handle(self, request: Request) -> Response:
        if request.path.startswith(CONTROL_PREFIX):
            return control.handle(self, request)
        night = self.night
        fault = self.faults.take(request.path, request.header("user-agent"),
                                 request.header("cookie"))
        response = self._faulty(request, fault, night) if fault else None
        if response is None:
            response = self._route(request, night, offsite=fault is not None)
            if fault is not None and fault.name == "slow":
                response.delay = fault.delay
            if fault is not None and fault.name == "truncated":
                response.action = TRUNCATE
        self.requests += 1
        self.log.append({"t": round(time.time(), 3), "method": request.method,
                         "target": request.target, "status": response.status,
                         "fault": fault.name if fault else None,
                         "user_agent": request.header("user-agent")})
        return response

    def _faulty(self, request: Request, fault: FaultSpec, night: int) -> Response | None:
        """The response a fault replaces the page with, or None if it only alters the page."""
        lang = _lang_of(request.path)
        noise = page_noise(night, request.path)
        name = fault.name
        if name in ("error500", "error503"):
            return responses.error(int(name[-3:]), lang, noise)
        if name == "ratelimit429":
            return Response(429, b"Too Many Requests",
                            [("Retry-After", str(max(0, round(fault.delay))))], "text/plain")
        if name == "ua403":
            return responses.html(403, "<html><body><h1>403 Forbidden</h1></body></html>")
        if name == "reset":
            return Response(action=RESET)
        if name == "interstitial":
            return responses.interstitial()
        if name == "error200":
            return responses.error(200, lang, noise)
        if name == "malformed":
            return responses.malformed(lang)
        if name == "huge":
            return responses.huge()
        return None

    def _route(self, request: Request, night: int, offsite: bool) -> Response:
        path = request.path
        if path == "/robots.txt":
            return Response(200, ROBOTS_TXT.encode(), content_type="text/plain; charset=UTF-8")
        if path in ("/", "/ru/", "/en/", "/de/", "/fr/", "/es/"):
            lang = path.strip("/") or "ru"
            return responses.html(200, home_page(lang, self.listed(lang, None, night, 0, 10),
                                                 page_noise(night, path)))
        if path.endswith("/rss.php") and _lang_of(path) == path[1:3] and path.count("/") == 2:
            base = f"http://{request.header('host') or '127.0.0.1'}"
            feed = rss_feed(path[1:3], base, self.listed(path[1:3], None, night, 0, 50))
            return Response(200, feed.encode(), content_type="application/rss+xml; charset=UTF-8")
        if path in LISTING_BY_SLUG:
            return self._listing(request, *LISTING_BY_SLUG[path], night, offsite)
        match = STATEMENT.match(path)
        if match and (match[1], match[2]) in SECTION_BY_SLUG:
            section = SECTION_BY_SLUG[(match[1], match[2])]
            return self._statement(request, match[1], section, match[3], night, offsite)
        if path == "/search/":
            return responses.html(200, search_page("ru", page_noise(night, path)))
        if path.startswith(("/local/", "/bitrix/")):
            return Response(200, b"/* static */", content_type="text/plain")
        return responses.error(404, _lang_of(path), page_noise(night, path))

    def _statement(self, request: Request, lang: str, section: str, source_id: str,
                   night: int, offsite: bool) -> Response:
        wanted = request.query.get("lang", lang)
        content_lang = wanted if wanted in LANGS else lang
        view = self.timeline.edition(source_id, content_lang, night)
        if view is None or view.section != section or view.state == REMOVED:
            return responses.error(404, lang, page_noise(night, request.path))
        if view.state != LIVE:
            return Response(302, b"", [("Location", REDIRECT_LOCATION)])
        live_langs = self.timeline.live_langs(source_id, night)
        noise = page_noise(night, view.path, source_id)
        etag, modified = self._validators(view, night, offsite)
        headers = [("ETag", etag), ("Last-Modified", http_date(modified)),
                   ("Cache-Control", "no-cache"), ("Content-Language", content_lang)]
        if responses.not_modified(request, etag, modified):
            return Response(304, b"", headers)
        extra = responses.offsite_links(content_lang, self.port) if offsite else ""
        return responses.html(200, statement_page(view, live_langs, noise, extra), headers)

    def _page_key(self, view: EditionView | None, night: int, offsite: bool) -> tuple | None:
        if view is None or view.state != LIVE:
            return None
        noise = page_noise(night, view.path, view.source_id)
        live = self.timeline.live_langs(view.source_id, night)
        return (view.content, live, noise.template_key, offsite)

    def _validators(self, view: EditionView, night: int, offsite: bool) -> tuple[str, datetime]:
        """ETag of what the page says; Last-Modified from the night it last said otherwise."""
        key = self._page_key(view, night, offsite)
        first = night
        while first > 0:
            earlier = self.timeline.edition(view.source_id, view.lang, first - 1)
            if self._page_key(earlier, first - 1, offsite) != key:
                break
            first -= 1
        return responses.etag_of(key), night_clock(first) - timedelta(hours=1)

    def _listing(self, request: Request, lang: str, section: str, night: int,
                 offsite: bool) -> Response:
        raw_page = request.query.get("PAGEN_1", "1")
        page = int(raw_page) if raw_page.isdigit() and int(raw_page) > 0 else 1
        only = None if section == NEWS else section
        views = self.listed(lang, only, night, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        has_next = len(self._ordered(lang, only, night)) > page * PAGE_SIZE
        extra = responses.offsite_item(lang, self.port) if offsite else ""
        text = listing_page(lang, page, views, page_noise(night, request.target), has_next, extra)
        return responses.page(request, text, responses.etag_of(text), night_clock(night))

    def _ordered(self, lang: str, section: str | None, night: int) -> list[str]:
        """Ids of the statements listed in `lang`, newest first (built once per night)."""
        key = (lang, section, night)
        with self._lock:
            if key not in self._lists:
                keyed = []
                for statement in self.timeline.catalog.published_by(night):
                    if section is not None and statement.section != section:
                        continue
                    sort_key = self.timeline.listing_key(statement, lang, night)
                    if sort_key is not None:
                        keyed.append((sort_key, statement.source_id))
                keyed.sort(reverse=True)
                self._lists[key] = [sid for _, sid in keyed]
            return self._lists[key]

    def listed(self, lang: str, section: str | None, night: int, start: int,
               count: int) -> list[EditionView]:
        ids = self._ordered(lang, section, night)[start:start + count]
        views = (self.timeline.edition(sid, lang, night) for sid in ids)
        return [v for v in views if v is not None]


def _lang_of(path: str) -> str:
    head = path[1:3]
    return head if head in LANGS and path[3:4] in ("/", "") else "ru"
