"""The edit between two versions of one edition, as every reader (CLI, API, pages) shows it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from pipeline.textdiff import Op, diff_ops
from storage.errors import InputError
from storage.history import find_edition, get_version
from storage.models import Version
from storage.records import VersionInfo


@dataclass(frozen=True)
class VersionDiff:
    old: VersionInfo
    new: VersionInfo
    title_ops: list[Op]
    body_ops: list[Op]


def version_diff(
    session: Session,
    source_id: str,
    lang: str,
    from_seq: int | None = None,
    to_seq: int | None = None,
    site: str | None = None,
) -> VersionDiff:
    """Versions `from_seq` and `to_seq` compared; by default the current one and the one
    before it (or the one after `from_seq`)."""
    edition = find_edition(session, source_id, lang, site)
    if to_seq is None:
        if from_seq is not None:
            to_seq = from_seq + 1
        else:
            current = session.get(Version, edition.current_version_id)
            to_seq = current.seq if current else 1
    if from_seq is None:
        from_seq = max(to_seq - 1, 1)
    if from_seq < 1 or to_seq < 1:
        raise InputError(f"version numbers start at 1, not {min(from_seq, to_seq)}")
    old = get_version(session, source_id, lang, from_seq, site)
    new = get_version(session, source_id, lang, to_seq, site)
    return VersionDiff(
        old, new, diff_ops(old.title, new.title), diff_ops(old.body or "", new.body or "")
    )
