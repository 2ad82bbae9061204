"""The spider's items are `storage.captures.CaptureData`: one per fetched or failed edition URL.
These helpers build them from a Scrapy response or failure and name what went wrong."""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionDone,
    ConnectionLost,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure

from storage.captures import CaptureData
from storage.types import utcnow

FAILURE_KINDS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((DownloadTimeoutError, TimeoutError, TCPTimedOutError), "timeout"),
    ((ResponseDataLossError,), "truncated"),
    ((DownloadCancelledError,), "too_large"),
    ((CannotResolveHostError, DNSLookupError), "dns"),
    ((DownloadConnectionRefusedError, ConnectionRefusedError), "refused"),
    ((DownloadFailedError, ConnectionLost, ConnectionDone, ConnectionResetError), "reset"),
    ((IgnoreRequest,), "ignored"),
)
STATUS_GONE = (404, 410)


def failure_kind(exception: BaseException) -> str:
    """A short name for a failed download: `timeout`, `reset`, `truncated`, `too_large`..."""
    if isinstance(exception, HttpError):
        return status_error_kind(exception.response.status) or "http_error"
    if isinstance(exception, IgnoreRequest) and "robots.txt" in str(exception):
        return "robots"
    for types, kind in FAILURE_KINDS:
        if isinstance(exception, types):
            return kind
    return type(exception).__name__.lower()


def status_error_kind(status: int) -> str | None:
    """The error a status means for a statement page; None for answers that are not errors
    (2xx, 3xx, 304, and 404/410, which say the edition is gone)."""
    if status == 429:
        return "http_429"
    if status >= 500:
        return "http_5xx"
    if status >= 400 and status not in STATUS_GONE:
        return f"http_{status}"
    return None


def header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def capture_of_response(
    response: Response,
    *,
    url: str,
    source_id: str,
    lang: str,
    keep_body: bool,
    error_kind: str | None = None,
    error: str | None = None,
    final_url: str | None = None,
    meta: dict[str, Any] | None = None,
) -> CaptureData:
    """A capture of an answered request; `keep_body` only for a statement page's content."""
    content_type = header(response, "Content-Type")
    return CaptureData(
        url=url,
        fetched_at=utcnow(),
        http_status=response.status,
        final_url=final_url or (response.url if response.url != url else None),
        source_id=source_id,
        lang=lang,
        edition_url=url,
        etag=header(response, "ETag"),
        last_modified=header(response, "Last-Modified"),
        content_type=content_type[:128] if content_type else None,
        body=response.body if keep_body else None,
        error_kind=error_kind,
        error=error,
        meta=meta or {},
    )


def capture_of_failure(failure: Failure, *, url: str, source_id: str, lang: str) -> CaptureData:
    """A capture of a request that got no usable answer: the error and no body."""
    exception = failure.value
    status = exception.response.status if isinstance(exception, HttpError) else None
    message = str(exception) or type(exception).__name__
    return CaptureData(
        url=url,
        fetched_at=utcnow(),
        http_status=status,
        source_id=source_id,
        lang=lang,
        edition_url=url,
        error_kind=failure_kind(exception),
        error=message[:2000],
    )
