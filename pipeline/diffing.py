"""The diff stage: every new version of a run becomes a change, and so does every confirmed
removal and every restoration.

An edit is diffed field by field (title, published, number, tags, body) with the one diff
function of `pipeline.textdiff`; each touched field keeps its patch and figures, and the
change keeps their totals, the touched fields and a significance. Versions rebuilt by a
reprocess are left out: they raise no change. Changes are unique per version and per
(edition, run, kind), so running the stage again for a run writes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, exists, select
from sqlalchemy.orm import Session, aliased

from pipeline import lifecycle
from pipeline.canonical import canonical_text
from pipeline.classify import significance
from pipeline.figures import FieldEdit, field_edit
from pipeline.stagerun import run_for_site
from scrapers.sitefile import Site
from storage.changes import KINDS, SIGNIFICANCES, ChangeData, add_change, changes_of_run
from storage.db import transaction
from storage.models import Capture, Change, Run, Version
from storage.runs import set_stage_counts
from storage.types import utcnow
from storage.upsert import insert_ignore

STAGE = "diff"
FIELDS = ("title", "published", "number", "tags", "body")
CHUNK = 500


@dataclass(frozen=True)
class VersionEdit:
    """What changed from one version to the next."""

    fields: list[str]
    diff: dict[str, dict[str, Any]]
    significance: str | None
    chars_added: int = 0
    chars_removed: int = 0
    words_added: int = 0
    words_removed: int = 0
    similarity: float | None = None

    def change(self, kind: str, run: Run, version: Version, previous: Version) -> ChangeData:
        return ChangeData(
            edition_id=version.edition_id,
            run_id=run.id,
            kind=kind,
            version_id=version.id,
            previous_version_id=previous.id,
            significance=self.significance,
            fields=list(self.fields),
            diff=self.diff,
            chars_added=self.chars_added,
            chars_removed=self.chars_removed,
            words_added=self.words_added,
            words_removed=self.words_removed,
            similarity=self.similarity,
        )


@dataclass(frozen=True)
class DiffResult:
    """Changes of the run by kind and by significance; `recorded` is what this call wrote."""

    run_key: str
    kinds: dict[str, int] = field(default_factory=dict)
    significance: dict[str, int] = field(default_factory=dict)
    recorded: int = 0

    def counts(self) -> dict[str, Any]:
        return {"kinds": dict(sorted(self.kinds.items())),
                "significance": dict(sorted(self.significance.items()))}


def field_text(version: Version, name: str) -> str:
    if name == "tags":
        return "\n".join(version.tags or [])
    if name == "published":
        return version.published_text or ""
    value = getattr(version, name)
    return value or ""


def compare_versions(old: Version, new: Version) -> VersionEdit:
    """Diff every field whose canonical form differs; the stored texts are what is patched."""
    texts: dict[str, tuple[str, str]] = {}
    edits: dict[str, FieldEdit] = {}
    for name in FIELDS:
        before, after = field_text(old, name), field_text(new, name)
        if canonical_text(before) != canonical_text(after):
            texts[name] = (before, after)
            edits[name] = field_edit(before, after)
    diff = {name: edit.as_dict() for name, edit in edits.items()}
    if "published" in diff:
        diff["published"]["old"] = _when(old)
        diff["published"]["new"] = _when(new)
    total_old = sum(len(before) for before, _ in texts.values())
    total_new = sum(len(after) for _, after in texts.values())
    changed = sum(
        round((1 - e.similarity) * max(len(texts[n][0]), len(texts[n][1])))
        for n, e in edits.items()
    )
    return VersionEdit(
        fields=list(edits),
        diff=diff,
        significance=significance(texts, edits) if edits else None,
        chars_added=sum(e.chars_added for e in edits.values()),
        chars_removed=sum(e.chars_removed for e in edits.values()),
        words_added=sum(e.words_added for e in edits.values()),
        words_removed=sum(e.words_removed for e in edits.values()),
        similarity=round(1 - changed / max(total_old, total_new, 1), 4) if edits else None,
    )


def _when(version: Version) -> str | None:
    if version.published_at is not None:
        return version.published_at.isoformat()
    return version.published_text


def previous_version(session: Session, version: Version) -> Version | None:
    return session.scalars(
        select(Version).where(
            Version.edition_id == version.edition_id, Version.seq == version.seq - 1
        )
    ).first()


def new_versions(session: Session, run: Run) -> list[Version]:
    """Versions made from this run's captures that have no change yet (rebuilt ones aside)."""
    return list(
        session.scalars(
            select(Version)
            .join(Capture, Capture.id == Version.capture_id)
            .where(
                Capture.run_id == run.id,
                Version.rebuilt.is_(False),
                ~exists().where(Change.version_id == Version.id),
            )
            .order_by(Version.id)
        )
    )


def lifecycle_changes(session: Session, run: Run) -> list[ChangeData]:
    """Restorations and confirmed removals; marks the editions' new state."""
    changes = []
    for restored in lifecycle.restorations(session, run):
        restored.edition.state = "active"
        version = restored.version
        previous = previous_version(session, version) if version else None
        if version is not None and previous is not None:
            changes.append(compare_versions(previous, version).change("restored", run, version,
                                                                        previous))
        else:
            changes.append(ChangeData(restored.edition.id, run.id, "restored",
                                      version.id if version else None,
                                      restored.edition.current_version_id))
    for removal in lifecycle.removals(session, run):
        removal.edition.state = "removed"
        changes.append(ChangeData(removal.edition.id, run.id, "removed", None,
                                  removal.edition.current_version_id))
    return changes


def previous_versions(session: Session, versions: list[Version]) -> dict[int, Version]:
    """The predecessor (`seq - 1`) of each version that has one, keyed by the version's id."""
    new = aliased(Version)
    rows = session.execute(
        select(new.id, Version)
        .join(new, (new.edition_id == Version.edition_id) & (new.seq == Version.seq + 1))
        .where(new.id.in_([v.id for v in versions]))
    )
    return dict(rows.all())


def version_changes(session: Session, run: Run, versions: list[Version]) -> list[ChangeData]:
    """The change each new version makes, in the order given, from a few queries."""
    previous = previous_versions(session, versions)
    firsts = [v for v in versions if v.id not in previous]
    kinds = lifecycle.first_version_kinds(session, firsts, run) if firsts else {}
    return [
        compare_versions(previous[v.id], v).change("edited", run, v, previous[v.id])
        if v.id in previous else ChangeData(v.edition_id, run.id, kinds[v.id], v.id)
        for v in versions
    ]


def record_changes(session: Session, changes: list[ChangeData]) -> int:
    """`add_change` for many in one statement; returns how many were not recorded before."""
    for data in changes:
        if data.kind not in KINDS:
            raise ValueError(f"unknown change kind {data.kind!r}")
        if data.significance is not None and data.significance not in SIGNIFICANCES:
            raise ValueError(f"unknown significance {data.significance!r}")
    now = utcnow()
    rows = [{**data.__dict__, "fields": list(data.fields), "detected_at": now}
            for data in changes]
    return insert_ignore(session, Change, rows)


def tally(session: Session, run: Run, recorded: int) -> DiffResult:
    changes = changes_of_run(session, run.id)
    return DiffResult(
        run_key=run.key,
        kinds=dict(Counter(c.kind for c in changes)),
        significance=dict(Counter(c.significance for c in changes if c.significance)),
        recorded=recorded,
    )


def diff_run(engine: Engine, site: Site, run_key: str) -> DiffResult:
    with transaction(engine) as session:
        run = run_for_site(session, run_key, site)
        recorded = 0
        for data in lifecycle_changes(session, run):
            recorded += add_change(session, data) is not None
        session.flush()
        versions = new_versions(session, run)
        for start in range(0, len(versions), CHUNK):
            chunk = versions[start:start + CHUNK]
            recorded += record_changes(session, version_changes(session, run, chunk))
        result = tally(session, run, recorded)
        if run.counts.get(STAGE) != result.counts():
            set_stage_counts(run, STAGE, result.counts())
    return result
