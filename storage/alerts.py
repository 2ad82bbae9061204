"""The alert outbox: one row per (change, recipient), pending until sent."""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.models import Alert
from storage.types import utcnow
from storage.upsert import insert_ignore


def queue_alert(
    session: Session,
    change_id: int,
    recipient: str,
    run_id: int | None = None,
    digest_key: str | None = None,
) -> bool:
    """Queue an alert; False when this recipient already has one for this change."""
    return bool(
        insert_ignore(
            session,
            Alert,
            {
                "change_id": change_id,
                "recipient": recipient,
                "run_id": run_id,
                "digest_key": digest_key,
                "status": "pending",
                "attempts": 0,
                "created_at": utcnow(),
            },
            ["change_id", "recipient"],
        )
    )
