"""Which statements exist: the seed statement, N generated ones and those published later."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

from testbed.generate import generated_id, make_content, make_statement
from testbed.model import (
    LANGS,
    NEWS,
    SEED_ID,
    SEED_PUBLISHED,
    Content,
    Statement,
    night_clock,
)

SEED_NUMBER = "2366-21-11-2020"
SEED_TAGS = {
    "ru": ("Армения", "Нагорно-карабахское урегулирование"),
    "en": ("Armenia", "Nagorno-Karabakh conflict settlement"),
    "de": ("Armenien", "Bergkarabach"),
    "fr": ("Arménie", "Haut-Karabakh"),
    "es": ("Armenia", "Nagorno Karabaj"),
}
FIRST_NEW_ID = 1950124
SEED_DIR = Path(__file__).parent / "data" / "seed"


@dataclass(frozen=True)
class NewStatement:
    """A statement the timeline publishes on `night` (its editions are all `created`)."""

    night: int
    kind: str
    langs: tuple[str, ...]


@cache
def seed_statement() -> Statement:
    contents = {}
    for lang in LANGS:
        text = (SEED_DIR / f"{lang}.txt").read_text("utf-8")
        title, _, body = text.partition("\n\n")
        paragraphs = tuple(p for p in body.strip("\n").split("\n\n"))
        contents[lang] = Content(title, SEED_PUBLISHED, SEED_NUMBER, paragraphs, SEED_TAGS[lang])
    return Statement(SEED_ID, "statement", NEWS, SEED_PUBLISHED, SEED_NUMBER, LANGS, contents)


class Catalog:
    """Looks statements up by id without building them all; `pinned` fixes scripted targets."""

    def __init__(
        self,
        seed: int,
        count: int,
        pinned: dict[int, tuple[str, tuple[str, ...]]],
        new: tuple[NewStatement, ...],
    ) -> None:
        self.seed = seed
        self.count = count
        self._pinned = pinned
        self._new = {str(FIRST_NEW_ID + j): (j, spec) for j, spec in enumerate(new)}

    def generated(self, index: int) -> Statement:
        kind, langs = self._pinned.get(index, (None, None))
        return make_statement(self.seed, index, kind, langs)

    def new_statement(self, serial: int) -> tuple[int, Statement]:
        """The `serial`-th statement published after night 0, and the night it appears."""
        spec = list(self._new.values())[serial][1]
        published = night_clock(spec.night) - timedelta(hours=4 + 3 * serial % 5, minutes=17)
        sid = str(FIRST_NEW_ID + serial)
        number = f"{2367 + serial}-{published:%d-%m-%Y}"
        section = "comments" if spec.kind == "comment" else NEWS
        return spec.night, Statement(sid, spec.kind, section, published, number, spec.langs, {})

    def lookup(self, source_id: str) -> tuple[int, Statement] | None:
        """The statement with this id and the night it was first published, if any."""
        if source_id == SEED_ID:
            return 0, seed_statement()
        if source_id in self._new:
            return self.new_statement(self._new[source_id][0])
        if not source_id.isdigit() or not 0 < int(source_id) <= 1950100:
            return None
        index = (1950100 - int(source_id)) // 5
        if index >= self.count or generated_id(self.seed, index) != source_id:
            return None
        return 0, self.generated(index)

    def content(self, statement: Statement, lang: str) -> Content:
        if lang in statement.contents:
            return statement.contents[lang]
        return make_content(self.seed, statement, lang)

    def published_by(self, night: int) -> Iterator[Statement]:
        """Every statement that exists on `night`: new ones first, then seed, then generated."""
        for serial in range(len(self._new) - 1, -1, -1):
            first, statement = self.new_statement(serial)
            if first <= night:
                yield statement
        yield seed_statement()
        for index in range(self.count):
            yield self.generated(index)
