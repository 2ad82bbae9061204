"""Outbox queries: which alerts are due, claiming them for one sender, marking the outcome.

An alert is `pending` until sent (`sent`) or given up on after too many failures (`failed`).
A pending alert whose `next_attempt_at` lies in the future waits (backoff after a failure, or
a short claim while another sender is handling it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from storage.models import Alert

PENDING, SENT, FAILED = "pending", "sent", "failed"


def _due(now: datetime):  # type: ignore[no-untyped-def]
    return (Alert.status == PENDING) & or_(
        Alert.next_attempt_at.is_(None), Alert.next_attempt_at <= now
    )


def due_alerts(session: Session, now: datetime) -> list[Alert]:
    """Pending alerts of every run whose next attempt is due, oldest first."""
    return list(session.scalars(select(Alert).where(_due(now)).order_by(Alert.id)))


def claim(session: Session, alert_ids: Sequence[int], now: datetime, hold: timedelta) -> bool:
    """Take `alert_ids` for one send by pushing their next attempt to `now + hold`, so a second
    sender running at the same time skips them. False when any of them was no longer due (sent
    or taken meanwhile); rows taken by a partial claim wait `hold` and are retried then."""
    result = session.execute(
        update(Alert)
        .where(Alert.id.in_(alert_ids), _due(now))
        .values(next_attempt_at=now + hold)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == len(alert_ids)


def mark_sent(session: Session, alert_ids: Sequence[int], message_id: str, now: datetime) -> None:
    session.execute(
        update(Alert)
        .where(Alert.id.in_(alert_ids))
        .values(
            status=SENT,
            sent_at=now,
            message_id=message_id,
            attempts=Alert.attempts + 1,
            next_attempt_at=None,
            last_error=None,
        )
        .execution_options(synchronize_session=False)
    )


def mark_attempt_failed(
    session: Session,
    alert_ids: Sequence[int],
    error: str,
    now: datetime,
    max_attempts: int,
    backoff: timedelta,
    max_backoff: timedelta,
) -> list[Alert]:
    """Count a failed attempt: retry after `backoff * 2**(attempts - 1)` (capped), or mark
    `failed` once `max_attempts` is reached. Returns the alerts as updated."""
    alerts = list(session.scalars(select(Alert).where(Alert.id.in_(alert_ids))))
    for alert in alerts:
        alert.attempts += 1
        alert.last_error = error[:2000]
        if alert.attempts >= max_attempts:
            alert.status = FAILED
            alert.next_attempt_at = None
        else:
            wait = min(backoff * 2 ** (alert.attempts - 1), max_backoff)
            alert.next_attempt_at = now + wait
    return alerts


def alerts_of_run(session: Session, run_id: int) -> list[Alert]:
    return list(session.scalars(select(Alert).where(Alert.run_id == run_id).order_by(Alert.id)))


def count_pending(session: Session) -> int:
    return session.scalar(select(func.count()).where(Alert.status == PENDING)) or 0
