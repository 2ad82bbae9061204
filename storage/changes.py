"""Changes: at most one per new version, and one of each kind per edition and run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Change
from storage.types import utcnow
from storage.upsert import insert_ignore

KINDS = ("created", "edited", "removed", "restored", "translation_added")
SIGNIFICANCES = ("cosmetic", "minor", "substantive")


@dataclass(frozen=True)
class ChangeData:
    edition_id: int
    run_id: int
    kind: str
    version_id: int | None = None
    previous_version_id: int | None = None
    significance: str | None = None
    fields: list[str] = field(default_factory=list)
    diff: dict[str, Any] = field(default_factory=dict)
    chars_added: int = 0
    chars_removed: int = 0
    words_added: int = 0
    words_removed: int = 0
    similarity: float | None = None


def add_change(session: Session, data: ChangeData) -> Change | None:
    """Record a change; returns None when the same change is already recorded."""
    if data.kind not in KINDS:
        raise ValueError(f"unknown change kind {data.kind!r}")
    if data.significance is not None and data.significance not in SIGNIFICANCES:
        raise ValueError(f"unknown significance {data.significance!r}")
    inserted = insert_ignore(
        session,
        Change,
        {**data.__dict__, "fields": list(data.fields), "detected_at": utcnow()},
    )
    if not inserted:
        return None
    return session.scalars(
        select(Change).where(
            Change.edition_id == data.edition_id,
            Change.run_id == data.run_id,
            Change.kind == data.kind,
        )
    ).one()


def changes_of_run(session: Session, run_id: int) -> list[Change]:
    return list(session.scalars(select(Change).where(Change.run_id == run_id).order_by(Change.id)))
