"""The run report: what one run saw and did, for people (CLI, demo, Airflow) and machines."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Engine, func, select

from storage.db import transaction
from storage.models import Alert, Capture, Change, Edition, Statement
from storage.runs import get_run


def run_report(engine: Engine, run_key: str) -> dict[str, Any]:
    """Counts of a run: captures by outcome, changes by kind, alerts by status, errors."""
    with transaction(engine) as session:
        run = get_run(session, run_key)
        outcomes = {
            outcome or "pending": count
            for outcome, count in session.execute(
                select(Capture.outcome, func.count())
                .where(Capture.run_id == run.id)
                .group_by(Capture.outcome)
            ).all()
        }
        changes = dict(
            session.execute(
                select(Change.kind, func.count())
                .where(Change.run_id == run.id)
                .group_by(Change.kind)
            ).all()
        )
        alerts = dict(
            session.execute(
                select(Alert.status, func.count())
                .join(Change, Alert.change_id == Change.id)
                .where(Change.run_id == run.id)
                .group_by(Alert.status)
            ).all()
        )
        return {
            "run": run.key,
            "site": run.site,
            "kind": run.kind,
            "status": run.status,
            "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            "captures": outcomes,
            "changes": changes,
            "alerts": alerts,
            "stages": run.counts,
            "policy": run.policy,
            "errors": run.errors,
        }


def editions_by_language(engine: Engine, site: str) -> dict[str, dict[str, int]]:
    """For each language: statements with an edition in it and editions by state."""
    with transaction(engine) as session:
        rows = session.execute(
            select(Edition.lang, Edition.state, func.count())
            .join(Statement)
            .where(Statement.site == site)
            .group_by(Edition.lang, Edition.state)
        ).all()
    table: dict[str, Counter[str]] = {}
    for lang, state, count in rows:
        table.setdefault(lang, Counter())[state] += count
    return {lang: dict(counts) for lang, counts in sorted(table.items())}


def format_report(report: dict[str, Any]) -> str:
    """A few lines a person on call can read at night."""
    lines = [
        f"run {report['run']} ({report['site']}): {report['status']}",
        "  captures: " + _pairs(report["captures"]),
        "  changes:  " + _pairs(report["changes"]),
        "  alerts:   " + _pairs(report["alerts"]),
    ]
    for error in report["errors"][:10]:
        lines.append(
            f"  error [{error.get('stage')}] {error.get('url', '')} {error.get('error', '')}"
        )
    if len(report["errors"]) > 10:
        lines.append(f"  ... and {len(report['errors']) - 10} more errors")
    return "\n".join(lines)


def _pairs(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"
