"""Switchable faults: which ones exist, how a spec limits them to paths and a count.

A fault spec is `{"name": ..., "paths": "glob", "times": n}` (`paths` defaults to every site
path, `times` to unlimited); `seconds` tunes `slow` (the delay) and `ratelimit429` (the
Retry-After value). The first active spec that matches a request decides its fate.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from storage.errors import InputError

FAULTS: dict[str, str] = {
    "error500": "500 Internal Server Error with the site's error page",
    "error503": "503 Service Unavailable with the site's error page",
    "ratelimit429": "429 Too Many Requests with Retry-After: <seconds, default 1>",
    "reset": "the connection is reset (TCP RST) without any response",
    "slow": "the real response, sent after <seconds, default 30> seconds",
    "truncated": "the real response with its full Content-Length, cut in half, then closed",
    "interstitial": "200 'Data processing... Please, wait.' with Set-Cookie; requests "
                    "carrying that cookie get the real page",
    "ua403": "403 for crawler-like user agents (Scrapy, python-requests, curl, empty...) "
             "unless the user agent contains 'ministry-watch'",
    "error200": "the site's 'page not found' template served with status 200",
    "malformed": "200 with broken, unclosed HTML and no body block",
    "huge": "200 with a 10 MB page",
    "offsite": "the real page plus links to hosts outside the site "
               "(http://offsite.invalid/..., http://127.0.0.2:<port>/...)",
}
BLOCKED_AGENTS = ("scrapy", "python-requests", "curl", "python-urllib", "wget", "aiohttp",
                  "go-http-client", "httpx")
INTERSTITIAL_COOKIE = "mw_challenge"
INTERSTITIAL_VALUE = "passed"
DEFAULT_SECONDS = {"slow": 30.0, "ratelimit429": 1.0}


@dataclass
class FaultSpec:
    name: str
    paths: str = "*"
    times: int | None = None
    seconds: float | None = None
    served: int = field(default=0, compare=False)

    @property
    def delay(self) -> float:
        return self.seconds if self.seconds is not None else DEFAULT_SECONDS.get(self.name, 0.0)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "paths": self.paths, "times": self.times,
                "seconds": self.seconds, "served": self.served}


def parse_spec(raw: Mapping[str, Any] | str) -> FaultSpec:
    """A spec from JSON or from a bare name; unknown names and bad values are refused."""
    if isinstance(raw, str):
        raw = {"name": raw}
    if not isinstance(raw, Mapping):
        raise InputError(f"a fault is a name or an object, not {raw!r}")
    unknown = set(raw) - {"name", "paths", "times", "seconds"}
    if unknown:
        raise InputError(f"unknown fault keys: {', '.join(sorted(unknown))}")
    name = raw.get("name")
    if name not in FAULTS:
        raise InputError(f"unknown fault {name!r}; known: {', '.join(FAULTS)}")
    paths, times, seconds = raw.get("paths", "*"), raw.get("times"), raw.get("seconds")
    if not isinstance(paths, str) or not paths:
        raise InputError("fault 'paths' must be a non-empty glob string")
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 0):
        raise InputError("fault 'times' must be a whole number >= 0")
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int | float)
                                or seconds < 0):
        raise InputError("fault 'seconds' must be a number >= 0")
    return FaultSpec(name, paths, times, None if seconds is None else float(seconds))


def parse_names(text: str) -> list[FaultSpec]:
    """The CLI form: `NAME,NAME` with each fault on every path, unlimited."""
    return [parse_spec(name.strip()) for name in text.split(",") if name.strip()]


def blocked_agent(user_agent: str) -> bool:
    lowered = user_agent.lower()
    if "ministry-watch" in lowered:
        return False
    return not lowered or any(agent in lowered for agent in BLOCKED_AGENTS)


def has_cookie(cookie_header: str) -> bool:
    return f"{INTERSTITIAL_COOKIE}={INTERSTITIAL_VALUE}" in cookie_header.replace(" ", "")


class Faults:
    """The active fault specs, shared between the server thread and whoever drives it."""

    def __init__(self, specs: Iterable[FaultSpec] = ()) -> None:
        self._lock = threading.Lock()
        self._specs = list(specs)

    def replace(self, specs: Iterable[FaultSpec]) -> None:
        with self._lock:
            self._specs = list(specs)

    def as_json(self) -> list[dict[str, Any]]:
        with self._lock:
            return [spec.as_json() for spec in self._specs]

    def take(self, path: str, user_agent: str, cookie: str) -> FaultSpec | None:
        """The fault this request gets, counted against its `times`; None for a clean answer."""
        with self._lock:
            for spec in self._specs:
                if spec.times is not None and spec.served >= spec.times:
                    continue
                if not fnmatchcase(path, spec.paths):
                    continue
                if spec.name == "ua403" and not blocked_agent(user_agent):
                    continue
                if spec.name == "interstitial" and has_cookie(cookie):
                    continue
                spec.served += 1
                return spec
        return None
