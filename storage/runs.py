"""Runs: open one per pass over a site, add the counts and errors of each stage, close it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.errors import InputError
from storage.models import Run
from storage.types import utcnow
from storage.upsert import insert_ignore


def open_run(session: Session, key: str, site: str, kind: str = "nightly") -> Run:
    """The run with `key`, created if new. Opening the same key again resumes that run."""
    insert_ignore(
        session,
        Run,
        {
            "key": key,
            "site": site,
            "kind": kind,
            "status": "running",
            "started_at": utcnow(),
            "counts": {},
            "errors": [],
            "policy": {},
        },
        ["key"],
    )
    run = session.scalars(select(Run).where(Run.key == key)).one()
    if run.site != site:
        raise InputError(f"run {key!r} belongs to site {run.site!r}, not {site!r}")
    if run.status != "running":
        run.status = "running"
        run.finished_at = None
    return run


def get_run(session: Session, key: str) -> Run:
    run = session.scalars(select(Run).where(Run.key == key)).one_or_none()
    if run is None:
        raise InputError(f"no run with key {key!r}")
    return run


def set_stage_counts(run: Run, stage: str, counts: Mapping[str, Any]) -> None:
    """Replace one stage's counts: a stage re-run for the same run overwrites, never adds."""
    run.counts = {**run.counts, stage: dict(counts)}


def add_errors(run: Run, stage: str, errors: list[Mapping[str, Any]]) -> None:
    """Replace one stage's errors in the run report."""
    kept = [e for e in run.errors if e.get("stage") != stage]
    run.errors = kept + [{"stage": stage, **e} for e in errors]


def set_policy(run: Run, policy: Mapping[str, Any]) -> None:
    run.policy = dict(policy)


def close_run(run: Run, status: str = "finished") -> None:
    run.status = status
    run.finished_at = utcnow()


def latest_runs(session: Session, site: str | None = None, limit: int = 20) -> list[Run]:
    query = select(Run).order_by(Run.started_at.desc(), Run.id.desc()).limit(limit)
    if site:
        query = query.where(Run.site == site)
    return list(session.scalars(query))
