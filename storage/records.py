"""Plain read-only records the history queries return: what readers (CLI, API, pages) show.

They carry no session, so a reader can render or serialise them after the transaction ends.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class VersionInfo:
    site: str
    source_id: str
    lang: str
    seq: int
    current: bool
    observed_at: datetime
    title: str
    published_at: datetime | None
    published_text: str | None
    number: str | None
    tags: list[Any]
    content_hash: str
    rebuilt: bool
    body: str | None = None


@dataclass(frozen=True)
class ChangeInfo:
    id: int
    site: str
    source_id: str
    lang: str
    kind: str
    detected_at: datetime
    significance: str | None
    fields: list[Any]
    from_seq: int | None
    to_seq: int | None
    chars_added: int
    chars_removed: int
    similarity: float | None
    title: str | None = None


@dataclass(frozen=True)
class EditionInfo:
    lang: str
    url: str
    state: str
    first_seen_at: datetime
    last_checked_at: datetime | None
    current_seq: int | None
    versions: list[VersionInfo] = field(default_factory=list)
    changes: list[ChangeInfo] = field(default_factory=list)


@dataclass(frozen=True)
class TimelineEvent:
    """One line of a statement's history: a version seen or a change detected."""

    at: datetime
    lang: str
    what: str
    seq: int | None
    detail: str


@dataclass(frozen=True)
class StatementHistory:
    site: str
    source_id: str
    first_seen_at: datetime
    editions: list[EditionInfo]

    def edition(self, lang: str) -> EditionInfo | None:
        return next((e for e in self.editions if e.lang == lang), None)

    def timeline(self) -> list[TimelineEvent]:
        """Versions and changes of every edition, oldest first."""
        events = [
            TimelineEvent(v.observed_at, e.lang, "version", v.seq, v.title)
            for e in self.editions
            for v in e.versions
        ] + [
            TimelineEvent(c.detected_at, e.lang, c.kind, c.to_seq, _change_detail(c))
            for e in self.editions
            for c in e.changes
        ]
        order = {"version": 0}
        return sorted(events, key=lambda ev: (ev.at, ev.lang, order.get(ev.what, 1)))


@dataclass(frozen=True)
class StatementSummary:
    site: str
    source_id: str
    first_seen_at: datetime
    langs: list[str]
    title: str | None
    last_seen_at: datetime | None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def _change_detail(change: ChangeInfo) -> str:
    parts = [change.significance or "", ",".join(change.fields)]
    if change.kind == "edited":
        parts.append(f"+{change.chars_added}/-{change.chars_removed}")
    return " ".join(p for p in parts if p)


def to_plain(record: Any) -> Any:
    """A record as JSON-ready data: datetimes as ISO 8601 strings."""
    data = asdict(record) if hasattr(record, "__dataclass_fields__") else record
    return _plain(data)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
