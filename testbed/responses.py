"""Turning pages into HTTP responses: validators, conditional requests, fault bodies."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache

from testbed.chrome import INTERSTITIAL, error_page
from testbed.dates import http_date, parse_http_date
from testbed.faults import INTERSTITIAL_COOKIE, INTERSTITIAL_VALUE
from testbed.httpd import Request, Response
from testbed.noise import Noise

HUGE_BYTES = 10 * 1024 * 1024


def etag_of(key: object) -> str:
    """A weak validator: the page says the same thing, even if dynamic noise differs."""
    return 'W/"' + hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest() + '"'


def not_modified(request: Request, etag: str, last_modified: datetime) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since; weak comparison for ETags."""
    inm = request.header("if-none-match")
    if inm:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    since = parse_http_date(request.header("if-modified-since"))
    return since is not None and last_modified.replace(microsecond=0) <= since


def page(
    request: Request, html: str, etag: str, last_modified: datetime, status: int = 200
) -> Response:
    headers = [("ETag", etag), ("Last-Modified", http_date(last_modified)),
               ("Cache-Control", "no-cache")]
    if status == 200 and not_modified(request, etag, last_modified):
        return Response(304, b"", headers)
    return Response(status, html.encode("utf-8"), headers)


def html(status: int, text: str, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, text.encode("utf-8"), headers or [])


def error(status: int, lang: str, noise: Noise) -> Response:
    return html(status, error_page(lang, noise))


def interstitial() -> Response:
    cookie = f"{INTERSTITIAL_COOKIE}={INTERSTITIAL_VALUE}"
    return html(200, INTERSTITIAL.format(cookie=cookie),
                [("Set-Cookie", f"{cookie}; Path=/; HttpOnly"), ("Cache-Control", "no-store")])


def malformed(lang: str) -> Response:
    text = (f'<!DOCTYPE html><html lang="{lang}"><head><title>MID<body><div class="photo-content'
            '"><h1 class="photo-content__title">Unterminated <div class="article-line"><p')
    return html(200, text)


@cache
def huge_body() -> bytes:
    filler = ("<p>" + "lorem ipsum dolor sit amet " * 36 + "</p>\n").encode()
    head = b'<!DOCTYPE html><html lang="en"><head><title>MID</title></head><body>' \
           b'<div class="text article-content">\n'
    count = (HUGE_BYTES - len(head)) // len(filler) + 1
    return head + filler * count + b"</div></body></html>\n"


def huge() -> Response:
    return Response(200, huge_body())


def offsite_links(lang: str, port: int) -> str:
    """Links a polite crawler must not follow: another host name and another loopback IP."""
    return (
        f'<a class="external" href="http://offsite.invalid/{lang}/foreign_policy/news/1/">'
        "offsite.invalid</a>\n"
        f'<a class="external" href="http://127.0.0.2:{port}/{lang}/foreign_policy/news/2/">'
        "mirror</a>\n"
    )


def offsite_item(lang: str, port: int) -> str:
    return (
        '<li class="announce__item"><span class="announce__date"></span> '
        '<span class="announce__time"></span> <a class="announce__link" '
        f'href="http://offsite.invalid/{lang}/foreign_policy/news/1/">Partner site</a> '
        '<div class="announce__meta-tags"></div></li>\n'
        '<li class="announce__item"><span class="announce__date"></span> '
        '<span class="announce__time"></span> <a class="announce__link" '
        f'href="http://127.0.0.2:{port}/{lang}/foreign_policy/news/2/">Mirror</a> '
        '<div class="announce__meta-tags"></div></li>\n'
    )
