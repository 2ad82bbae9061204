"""Captures: every response and every failure of a run, one row per (run, url)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.blobs import put_blob
from storage.models import Capture, Edition, Run
from storage.statements import get_or_create_edition, get_or_create_statement
from storage.upsert import insert_ignore


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
    was, so replaying a batch (a retried task, a resumed crawl) writes nothing twice."""
    recorded = duplicates = new_editions = 0
    for item in items:
        edition_id = None
        if item.source_id and item.lang:
            statement = get_or_create_statement(session, run.site, item.source_id)
            edition, created = get_or_create_edition(
                session, statement, item.lang, item.edition_url or item.url
            )
            edition_id = edition.id
            new_editions += created
        blob = put_blob(session, item.body) if item.body is not None else None
        inserted = insert_ignore(
            session,
            Capture,
            {
                "run_id": run.id,
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
            },
            ["run_id", "url"],
        )
        if inserted:
            recorded += 1
            if edition_id is not None:
                session.execute(
                    update(Edition)
                    .where(Edition.id == edition_id)
                    .values(last_checked_at=item.fetched_at)
                )
        else:
            duplicates += 1
    return CapturesRecorded(recorded, duplicates, new_editions)


def captures_of_run(session: Session, run: Run, pending_only: bool = False) -> list[Capture]:
    """The run's captures in fetch order; with `pending_only`, those not yet normalised."""
    query = select(Capture).where(Capture.run_id == run.id)
    if pending_only:
        query = query.where(Capture.outcome.is_(None))
    return list(session.scalars(query.order_by(Capture.fetched_at, Capture.id)))


def set_outcome(capture: Capture, outcome: str, reason: str | None = None) -> None:
    capture.outcome = outcome
    capture.outcome_reason = reason
