"""Retries with backoff: 429/5xx and dropped connections are retried after a pause that honours
the server's Retry-After, else grows exponentially. The pause awaits, so other downloads go on."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date); None if absent
    or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        middleware = super().from_crawler(crawler)
        settings = crawler.settings
        middleware.backoff_s = settings.getfloat("RETRY_BACKOFF_S")
        middleware.backoff_max_s = settings.getfloat("RETRY_BACKOFF_MAX_S")
        middleware.retry_after_max_s = settings.getfloat("RETRY_AFTER_MAX_S")
        return middleware

    def pause(self, request: Request, response: Response | None) -> float:
        """How long to wait before retrying `request` (its retry count is already raised)."""
        if response is not None:
            header = response.headers.get(b"Retry-After")
            asked = retry_after_seconds(header.decode("latin-1") if header else None)
            if asked is not None:
                return min(asked, self.retry_after_max_s)
        attempt = max(int(request.meta.get("retry_times", 1)), 1)
        return min(self.backoff_s * 2 ** (attempt - 1), self.backoff_max_s)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await asyncio.sleep(self.pause(retry, response))
        return retry

    async def process_exception(
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if request.meta.get("dont_retry", False) or not isinstance(
            exception, self.exceptions_to_retry
        ):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        await asyncio.sleep(self.pause(retry, None))
        return retry


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, fixed for requests that wait together.

    Every request that arrives while robots.txt is being fetched awaits the same Deferred;
    the first waiter's callback consumes the parser and the others receive None, which the
    stock middleware reads as "no robots.txt" and lets them through. The parser is stored
    before the Deferred fires, so a waiter that got None reads it from there.
    """

    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        if parser is None:
            stored = self._parsers.get(urlparse_cached(request).netloc)
            return stored if isinstance(stored, RobotParser) else None
        return parser
