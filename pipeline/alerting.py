"""The alert stage: match a run's changes against the subscriptions, queue one outbox row per
(change, recipient), send what is due, mark each outcome.

Idempotent: the outbox is unique per (change, recipient) and a sent alert is never due again,
so running the stage twice for a run sends nothing twice. Pending alerts of earlier runs are
retried here too, after their backoff.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from pipeline.mail.message import build_change_message, build_digest_message
from pipeline.mail.transport import Transport, TransportError, load_transport
from pipeline.mail.view import change_view
from pipeline.subscriptions import Recipient, Subscriptions, load_subscriptions
from storage.alerts import queue_alert
from storage.changes import changes_of_run
from storage.db import transaction
from storage.models import Alert, Run
from storage.outbox import (
    FAILED,
    alerts_of_run,
    claim,
    count_pending,
    due_alerts,
    mark_attempt_failed,
    mark_sent,
)
from storage.runs import add_errors, get_run, set_stage_counts
from storage.types import utcnow

STAGE = "alert"
CLAIM_HOLD = timedelta(minutes=15)

__all__ = ["AlertResult", "FailedAlert", "alert_run", "load_transport"]


@dataclass(frozen=True)
class FailedAlert:
    """An alert given up on after too many failed sends, for the run report."""

    alert_id: int
    change_id: int
    recipient: str
    attempts: int
    error: str | None


@dataclass(frozen=True)
class AlertResult:
    """`queued`: new outbox rows for this run; `sent`, `failed`: alerts delivered or given up on
    by this call (any run); `messages`: mails delivered; `pending`: alerts still waiting in the
    outbox; `failures`: this run's failed alerts; `errors`: send errors met by this call."""

    run_key: str
    queued: int
    sent: int
    messages: int
    failed: int
    pending: int
    failures: tuple[FailedAlert, ...]
    errors: tuple[str, ...]

    def counts(self) -> dict[str, int]:
        return {
            "queued": self.queued,
            "sent": self.sent,
            "messages": self.messages,
            "failed": self.failed,
            "pending": self.pending,
        }


@dataclass(frozen=True)
class _Outgoing:
    alert_ids: tuple[int, ...]
    message: EmailMessage


def alert_run(
    engine: Engine,
    run_key: str,
    *,
    subscriptions: Subscriptions | None = None,
    transport: Transport | None = None,
    now: datetime | None = None,
) -> AlertResult:
    """Queue the alerts of run `run_key`, then send every due alert of the outbox."""
    subscriptions = subscriptions if subscriptions is not None else load_subscriptions()
    transport = transport if transport is not None else load_transport()
    now = now or utcnow()
    queued = queue_run_alerts(engine, run_key, subscriptions.recipients)
    with transaction(engine) as session:
        outgoing = _messages_due(session, subscriptions.sender, now)
    sent = messages = failed = 0
    errors: list[str] = []
    for item in outgoing:
        with transaction(engine) as session:
            if not claim(session, item.alert_ids, now, CLAIM_HOLD):
                continue
        try:
            transport.send(item.message)
        except TransportError as exc:
            errors.append(str(exc))
            failed += _record_failure(engine, item, str(exc), subscriptions, now)
            continue
        with transaction(engine) as session:
            mark_sent(session, item.alert_ids, str(item.message["Message-ID"]), now)
        sent += len(item.alert_ids)
        messages += 1
    return _report(engine, run_key, queued, sent, messages, failed, errors)


def queue_run_alerts(engine: Engine, run_key: str, recipients: Iterable[Recipient]) -> int:
    """One outbox row per (change of the run, recipient who wants it); returns rows added."""
    recipients = list(recipients)
    queued = 0
    with transaction(engine) as session:
        run = get_run(session, run_key)
        for change in changes_of_run(session, run.id):
            view = change_view(change)
            for recipient in recipients:
                if recipient.wants(view):
                    digest = _digest_key(run, recipient) if recipient.mode == "digest" else None
                    queued += queue_alert(session, change.id, recipient.email, run.id, digest)
    return queued


def _digest_key(run: Run, recipient: Recipient) -> str:
    return f"{run.id}:{hashlib.sha256(recipient.email.encode()).hexdigest()[:24]}"


def _messages_due(session: Session, sender: str, now: datetime) -> list[_Outgoing]:
    groups: dict[str, list[Alert]] = {}
    for alert in due_alerts(session, now):
        groups.setdefault(alert.digest_key or f"change:{alert.id}", []).append(alert)
    return [_message_for(session, alerts, sender, now) for alerts in groups.values()]


def _message_for(session: Session, alerts: list[Alert], sender: str, now: datetime) -> _Outgoing:
    first = alerts[0]
    ids = tuple(a.id for a in alerts)
    if first.digest_key is None:
        message = build_change_message(change_view(first.change), first.recipient, sender, now=now)
        return _Outgoing(ids, message)
    run = session.get(Run, first.run_id)
    run_key = run.key if run else first.digest_key
    views = [change_view(a.change) for a in alerts]
    return _Outgoing(ids, build_digest_message(views, run_key, first.recipient, sender, now=now))


def _record_failure(
    engine: Engine, item: _Outgoing, error: str, subscriptions: Subscriptions, now: datetime
) -> int:
    delivery = subscriptions.delivery
    with transaction(engine) as session:
        alerts = mark_attempt_failed(
            session,
            item.alert_ids,
            error,
            now,
            max_attempts=delivery.max_attempts,
            backoff=timedelta(minutes=delivery.backoff_minutes),
            max_backoff=timedelta(minutes=delivery.max_backoff_minutes),
        )
        return sum(1 for a in alerts if a.status == FAILED)


def _report(
    engine: Engine, run_key: str, queued: int, sent: int, messages: int, failed: int,
    errors: list[str],
) -> AlertResult:
    with transaction(engine) as session:
        run = get_run(session, run_key)
        failures = tuple(
            FailedAlert(a.id, a.change_id, a.recipient, a.attempts, a.last_error)
            for a in alerts_of_run(session, run.id)
            if a.status == FAILED
        )
        result = AlertResult(
            run_key, queued, sent, messages, failed, count_pending(session), failures,
            tuple(errors),
        )
        set_stage_counts(run, STAGE, result.counts())
        add_errors(run, STAGE, [_error_entry(f) for f in failures])
    return result


def _error_entry(failure: FailedAlert) -> dict[str, Any]:
    return {
        "kind": "alert_failed",
        "alert": failure.alert_id,
        "change": failure.change_id,
        "recipient": failure.recipient,
        "attempts": failure.attempts,
        "error": failure.error,
    }
