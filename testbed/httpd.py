"""A small HTTP/1.1 server on asyncio and httptools: keep-alive, HEAD, and the socket-level
misbehaviour the faults need (reset, truncated body, late answer)."""

from __future__ import annotations

import asyncio
import socket
import struct
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import httptools

RESET = "reset"
TRUNCATE = "truncate"


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes = b""
    keep_alive: bool = True

    def __post_init__(self) -> None:
        split = urlsplit(self.target)
        self.path = split.path or "/"
        self.query = {k: v[-1] for k, v in parse_qs(split.query).items()}

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    content_type: str = "text/html; charset=UTF-8"
    action: str | None = None
    delay: float = 0.0

    def head_bytes(self, keep_alive: bool) -> bytes:
        reason = HTTPStatus(self.status).phrase
        lines = [f"HTTP/1.1 {self.status} {reason}", "Server: nginx",
                 f"Content-Type: {self.content_type}", f"Content-Length: {len(self.body)}"]
        lines.extend(f"{k}: {v}" for k, v in self.headers)
        lines.append("Connection: keep-alive" if keep_alive else "Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


Handler = Callable[[Request], Response]


class HttpProtocol(asyncio.Protocol):
    """One connection; requests are answered in order, one at a time."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._parser = httptools.HttpRequestParser(self)
        self._transport: asyncio.Transport | None = None
        self._queue: deque[Request] = deque()
        self._busy = False
        self._url = b""
        self._headers: dict[str, str] = {}
        self._body: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError:
            self._write(Request("GET", "/", {}, keep_alive=False), Response(400, b"bad request"))

    def on_message_begin(self) -> None:
        self._url, self._headers, self._body = b"", {}, []

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers[name.decode("latin-1").lower()] = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        request = Request(
            self._parser.get_method().decode("ascii"),
            self._url.decode("latin-1"),
            self._headers,
            b"".join(self._body),
            self._parser.should_keep_alive(),
        )
        self._queue.append(request)
        self._drain()

    def _drain(self) -> None:
        while self._queue and not self._busy and self._transport is not None:
            request = self._queue.popleft()
            response = self._handler(request)
            if response.delay > 0:
                self._busy = True
                loop = asyncio.get_running_loop()
                loop.call_later(response.delay, self._late, request, response)
                return
            self._write(request, response)

    def _late(self, request: Request, response: Response) -> None:
        self._busy = False
        self._write(request, response)
        self._drain()

    def _write(self, request: Request, response: Response) -> None:
        transport = self._transport
        if transport is None:
            return
        if response.action == RESET:
            sock = transport.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
            return
        keep_alive = request.keep_alive and response.action is None
        head = response.head_bytes(keep_alive)
        if request.method == "HEAD":
            transport.write(head)
        elif response.action == TRUNCATE:
            transport.write(head + response.body[: len(response.body) // 2])
        else:
            transport.write(head + response.body)
        if not keep_alive:
            transport.close()
            self._transport = None


async def start(handler: Handler, host: str, port: int) -> asyncio.base_events.Server:
    loop = asyncio.get_running_loop()
    return await loop.create_server(
        lambda: HttpProtocol(handler), host, port, reuse_address=True, backlog=2048
    )
