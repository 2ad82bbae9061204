"""Lifecycle changes of editions: created, translation_added, removed, restored.

A removal is confirmed, not assumed: the edition must answer 404/410 or redirect away on two
runs in a row (captures that told nothing, an error or an unreadable page, are skipped), so
one bad night is never a removal. A removed edition that answers with the statement again
is restored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Capture, Edition, Run, Version

DECISIVE = ("version", "unchanged", "not_modified", "gone")
ANSWERED = ("version", "unchanged", "not_modified")


@dataclass(frozen=True)
class Removal:
    edition: Edition


@dataclass(frozen=True)
class Restoration:
    """`version` is the version this run made for the edition, when its content changed."""

    edition: Edition
    version: Version | None


def first_version_kinds(session: Session, versions: list[Version], run: Run) -> dict[int, str]:
    """For each first version (keyed by its id): `created` for a new statement,
    `translation_added` when another edition of the same statement had a version from an
    earlier observation, outside this run. Two queries, whatever the number of versions."""
    statement_of = dict(session.execute(
        select(Edition.id, Edition.statement_id)
        .where(Edition.id.in_(sorted({v.edition_id for v in versions})))
    ).all())
    earliest: dict[int, list[tuple[int, datetime]]] = {}
    rows = session.execute(
        select(Edition.statement_id, Version.edition_id, func.min(Version.observed_at))
        .join(Edition, Edition.id == Version.edition_id)
        .outerjoin(Capture, Capture.id == Version.capture_id)
        .where(
            Edition.statement_id.in_(sorted(set(statement_of.values()))),
            (Capture.run_id.is_(None)) | (Capture.run_id != run.id),
        )
        .group_by(Edition.statement_id, Version.edition_id)
    )
    for statement_id, edition_id, observed_at in rows:
        earliest.setdefault(statement_id, []).append((edition_id, observed_at))
    return {
        v.id: "translation_added"
        if any(edition_id != v.edition_id and observed_at <= v.observed_at
               for edition_id, observed_at in earliest.get(statement_of[v.edition_id], []))
        else "created"
        for v in versions
    }


def previous_decisive(session: Session, capture: Capture) -> Capture | None:
    """The edition's last capture before `capture`, in another run, that said something."""
    return session.scalars(
        select(Capture)
        .where(
            Capture.edition_id == capture.edition_id,
            Capture.run_id != capture.run_id,
            Capture.fetched_at < capture.fetched_at,
            Capture.outcome.in_(DECISIVE),
        )
        .order_by(Capture.fetched_at.desc(), Capture.id.desc())
        .limit(1)
    ).first()


def removals(session: Session, run: Run) -> list[Removal]:
    """Active editions gone in this run and in their previous decisive observation."""
    gone = session.scalars(
        select(Capture)
        .join(Edition, Edition.id == Capture.edition_id)
        .where(
            Capture.run_id == run.id,
            Capture.outcome == "gone",
            Edition.state == "active",
            Edition.current_version_id.is_not(None),
        )
        .order_by(Capture.id)
    )
    found: dict[int, Removal] = {}
    for capture in gone:
        previous = previous_decisive(session, capture)
        if previous is not None and previous.outcome == "gone":
            found.setdefault(capture.edition_id, Removal(capture.edition))
    return list(found.values())


def restorations(session: Session, run: Run) -> list[Restoration]:
    """Removed editions that answered with the statement in this run."""
    answered = session.scalars(
        select(Edition)
        .join(Capture, Capture.edition_id == Edition.id)
        .where(
            Capture.run_id == run.id,
            Capture.outcome.in_(ANSWERED),
            Edition.state == "removed",
        )
        .distinct()
        .order_by(Edition.id)
    )
    result = []
    for edition in answered:
        version = session.scalars(
            select(Version)
            .join(Capture, Capture.id == Version.capture_id)
            .where(
                Version.edition_id == edition.id,
                Capture.run_id == run.id,
                Version.rebuilt.is_(False),
            )
            .order_by(Version.seq.desc())
            .limit(1)
        ).first()
        result.append(Restoration(edition, version))
    return result
