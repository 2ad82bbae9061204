"""What one crawl shard counts, the errors it could not store as captures, and its policy."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

PAGE_COUNTS = ("listing_pages", "feed_pages", "statement_pages")


@dataclass
class CrawlReport:
    counters: Counter[str] = field(default_factory=Counter)
    errors: list[dict[str, Any]] = field(default_factory=list)
    policy: dict[str, Any] = field(default_factory=dict)

    def count(self, name: str, n: int = 1) -> None:
        self.counters[name] += n

    def error(self, url: str, kind: str, message: str) -> None:
        self.errors.append({"url": url, "kind": kind, "error": message})
        self.count("page_errors")

    def counts(self) -> dict[str, int]:
        pages = sum(self.counters[name] for name in PAGE_COUNTS)
        return {"pages": pages, **dict(sorted(self.counters.items()))}
