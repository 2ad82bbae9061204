"""Captures: every response and every failure of a run, one row per (run, url)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.blobs import put_blobs
from storage.models import Capture, Edition, Run
from storage.statements import edition_ids, statement_ids
from storage.upsert import insert_ignore_rows, update_by_key

# 13 columns a capture: 500 rows stay well under SQLite's 32,766 bind parameters.
SLICE_ROWS = 500


@dataclass(frozen=True)
class CaptureData:
    """What the crawler saw for one URL. `source_id` and `lang` tie it to an edition."""

    url: str
    fetched_at: datetime
    http_status: int | None = None
    final_url: str | None = None
    source_id: str | None = None
    lang: str | None = None
    edition_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    body: bytes | None = None
    error_kind: str | None = None
    error: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CapturesRecorded:
    recorded: int
    already_recorded: int
    new_editions: int


def record_captures(session: Session, run: Run, items: Iterable[CaptureData]) -> CapturesRecorded:
    """Write a batch of captures for `run`. A URL already captured in this run is left as it
    was, so replaying a batch (a retried task, a resumed crawl) writes nothing twice.

    A batch costs a handful of set-based statements whatever its size (in slices of
    `SLICE_ROWS`, to stay under the backends' bind parameter limits); the counts are those of
    writing the items one by one in the order given."""
    items = list(items)
    recorded = duplicates = new_editions = 0
    for start in range(0, len(items), SLICE_ROWS):
        part = _record_slice(session, run, items[start : start + SLICE_ROWS])
        recorded += part.recorded
        duplicates += part.already_recorded
        new_editions += part.new_editions
    return CapturesRecorded(recorded, duplicates, new_editions)


def _record_slice(session: Session, run: Run, items: list[CaptureData]) -> CapturesRecorded:
    editions, new_editions = _editions_of(session, run.site, items)
    blobs = _blobs_of(session, items)
    rows = {}
    for item, edition_id, blob in zip(items, editions, blobs, strict=True):
        rows.setdefault(item.url, _capture_row(run.id, item, edition_id, blob))
    inserted = {
        url
        for (url,) in insert_ignore_rows(
            session, Capture.__table__, list(rows.values()), ["run_id", "url"], ["url"]
        )
    }
    recorded: set[str] = set()
    checked: dict[int, datetime] = {}
    for item, edition_id in zip(items, editions, strict=True):
        if item.url not in inserted or item.url in recorded:
            continue
        recorded.add(item.url)
        if edition_id is not None:
            checked[edition_id] = item.fetched_at
    update_by_key(session, Edition.__table__, "id", "last_checked_at", checked)
    return CapturesRecorded(len(recorded), len(items) - len(recorded), new_editions)


def _editions_of(
    session: Session, site: str, items: list[CaptureData]
) -> tuple[list[int | None], int]:
    """Each item's edition id (None without source id and language), creating statements and
    editions as needed; and how many editions were created. A new edition gets the URL of
    the first item that names it."""
    keyed = [(item.source_id, item.lang) if item.source_id and item.lang else None
             for item in items]
    statements = statement_ids(session, site, (key[0] for key in keyed if key))
    urls: dict[tuple[int, str], str] = {}
    for item, key in zip(items, keyed, strict=True):
        if key:
            urls.setdefault((statements[key[0]], key[1]), item.edition_url or item.url)
    ids, created = edition_ids(session, urls)
    return [ids[statements[key[0]], key[1]] if key else None for key in keyed], created


def _blobs_of(session: Session, items: list[CaptureData]) -> list[str | None]:
    """Each item's blob key (None without a body), storing the bodies not stored yet."""
    bodies = [item.body for item in items if item.body is not None]
    keys = iter(put_blobs(session, bodies))
    return [next(keys) if item.body is not None else None for item in items]


def _capture_row(
    run_id: int, item: CaptureData, edition_id: int | None, blob: str | None
) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "edition_id": edition_id,
        "url": item.url,
        "final_url": item.final_url,
        "fetched_at": item.fetched_at,
        "http_status": item.http_status,
        "etag": item.etag,
        "last_modified": item.last_modified,
        "content_type": item.content_type,
        "blob_sha256": blob,
        "error_kind": item.error_kind,
        "error": item.error,
        "meta": item.meta,
    }


def captures_of_run(session: Session, run: Run, pending_only: bool = False) -> list[Capture]:
    """The run's captures in fetch order; with `pending_only`, those not yet normalised."""
    query = select(Capture).where(Capture.run_id == run.id)
    if pending_only:
        query = query.where(Capture.outcome.is_(None))
    return list(session.scalars(query.order_by(Capture.fetched_at, Capture.id)))


def set_outcome(capture: Capture, outcome: str, reason: str | None = None) -> None:
    capture.outcome = outcome
    capture.outcome_reason = reason
