"""The scripted timeline: what happens on each night 0..LAST_NIGHT (see docs/testbed.md).

Targets are "seed", "gN" (the N-th generated statement, pinned below so the script applies
for any --statements >= 10) or "nN" (the N-th statement published after night 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from testbed import edits
from testbed.catalog import NewStatement
from testbed.edits import Edit

LAST_NIGHT = 5

PINNED: dict[int, tuple[str, tuple[str, ...]]] = {
    0: ("statement", ("ru", "en")),
    1: ("statement", ("ru", "en")),
    2: ("news", ("ru", "en", "de")),
    3: ("statement", ("ru", "en")),
    4: ("news", ("ru", "en")),
    5: ("statement", ("ru", "en", "de", "fr", "es")),
    6: ("comment", ("ru", "en", "fr")),
    7: ("statement", ("ru",)),
    8: ("briefing", ("ru", "en")),
    9: ("news", ("ru", "en", "de", "fr", "es")),
}

NEW: tuple[NewStatement, ...] = (
    NewStatement(1, "statement", ("ru", "en")),
    NewStatement(4, "news", ("ru",)),
    NewStatement(4, "comment", ("ru", "en", "de", "fr", "es")),
    NewStatement(5, "briefing", ("ru", "en")),
)

EDIT, REMOVE, REDIRECT, RESTORE, TRANSLATE = "edit", "remove", "redirect", "restore", "translate"


@dataclass(frozen=True)
class Event:
    """One scripted event; `lang` None means every edition the statement has that night."""

    night: int
    target: str
    lang: str | None
    op: str
    what: str = ""
    fields: tuple[str, ...] = ()
    edit: Edit | None = None


EVENTS: tuple[Event, ...] = (
    Event(0, "g1", "en", EDIT, edit=edits.add_strong_sentence),
    Event(1, "seed", "en", EDIT, "typo fixed", ("body",), edits.replace_text("poof", "proof")),
    Event(1, "g0", "ru", EDIT, "paragraph appended", ("body",), edits.append_paragraph("n1")),
    Event(1, "g1", "en", EDIT, "sentence softened", ("body",), edits.soften),
    Event(2, "g2", "en", EDIT, "paragraph removed", ("body",), edits.remove_paragraph(1)),
    Event(2, "g3", "en", EDIT, "title changed", ("title",), edits.retitle(" (updated)")),
    Event(2, "g4", None, EDIT, "publication date back-dated", ("published",),
          edits.backdate(timedelta(days=3, hours=2))),
    Event(2, "g5", "en", REMOVE, "edition removed (404)"),
    Event(2, "g6", "fr", REDIRECT, "edition removed (302 to the home page)"),
    Event(2, "g7", "en", TRANSLATE, "translation added"),
    Event(4, "seed", "ru", EDIT, "paragraph appended", ("body",), edits.append_paragraph("n4")),
    Event(4, "g5", "en", RESTORE, "edition restored"),
    Event(4, "g7", "de", TRANSLATE, "translation added"),
    Event(5, "seed", "de", EDIT, "title changed", ("title",),
          edits.retitle(" (aktualisiert)")),
    Event(5, "g6", "fr", RESTORE, "edition restored"),
    Event(5, "g8", "ru", EDIT, "paragraph removed", ("body",), edits.remove_paragraph(12)),
    Event(5, "g1", "en", EDIT, "paragraph appended", ("body",), edits.append_paragraph("n5")),
)

NOISE_EVERY_NIGHT = ("view counter", "CSRF token", "footer timestamp")
NOISE_EXTRA: dict[int, tuple[str, ...]] = {
    2: ("advertisement block",),
    3: ("whitespace", "non-breaking spaces", "attribute order", "advertisement block"),
    5: ("whitespace",),
}
NOISE_ONLY_NIGHTS = (3,)


def noise(night: int) -> list[str]:
    """The noise kinds that differ from the previous night (none on night 0)."""
    if night == 0:
        return []
    return [*NOISE_EVERY_NIGHT, *NOISE_EXTRA.get(night, ())]
