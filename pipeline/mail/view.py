"""A change as plain data for matching and rendering, read once from its stored rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.models import Change, Version


@dataclass(frozen=True)
class ChangeView:
    """What a subscription filter and a message need to know about one change."""

    change_id: int
    site: str
    source_id: str
    lang: str
    kind: str
    significance: str | None
    fields: tuple[str, ...]
    url: str
    detected_at: datetime
    title: str
    old_title: str | None
    new_title: str | None
    old_body: str | None
    new_body: str | None
    from_seq: int | None
    to_seq: int | None
    rebuilt: bool

    def searchable_texts(self) -> list[str]:
        return [t for t in (self.new_title, self.new_body, self.old_title, self.old_body) if t]

    @property
    def title_changed(self) -> bool:
        return None not in (self.old_title, self.new_title) and self.old_title != self.new_title

    @property
    def body_changed(self) -> bool:
        return None not in (self.old_body, self.new_body) and self.old_body != self.new_body


def change_view(change: Change) -> ChangeView:
    """Read `change` with its edition, statement and versions (the session must be open)."""
    edition = change.edition
    new, old = change.version, change.previous_version
    shown = new or old or edition.current_version
    return ChangeView(
        change_id=change.id,
        site=edition.statement.site,
        source_id=edition.statement.source_id,
        lang=edition.lang,
        kind=change.kind,
        significance=change.significance,
        fields=tuple(change.fields or ()),
        url=edition.url,
        detected_at=change.detected_at,
        title=(shown.title if shown and shown.title else edition.statement.source_id),
        old_title=_title(old),
        new_title=_title(new),
        old_body=old.body if old else None,
        new_body=new.body if new else None,
        from_seq=old.seq if old else None,
        to_seq=new.seq if new else None,
        rebuilt=bool(new and new.rebuilt),
    )


def _title(version: Version | None) -> str | None:
    return version.title if version else None
