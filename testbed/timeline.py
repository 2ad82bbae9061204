"""The state of every edition on every night: the catalog plus the scripted events."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache

from testbed import script
from testbed.catalog import FIRST_NEW_ID, Catalog
from testbed.model import LANGS, LIVE, REDIRECT, REMOVED, EditionView, Statement
from testbed.script import EDIT, REMOVE, RESTORE, TRANSLATE, Event


class Timeline:
    """Answers "what does edition (id, lang) look like on night n" for nights 0..last."""

    last = script.LAST_NIGHT

    def __init__(self, seed: int = 1, statements: int = 60) -> None:
        self.catalog = Catalog(seed, statements, script.PINNED, script.NEW)
        self._events: dict[str, list[Event]] = defaultdict(list)
        for event in script.EVENTS:
            sid = self._target_id(event.target)
            if sid is not None:
                self._events[sid].append(event)
        self.churn_events: list[tuple[str, Event]] = []
        self.edition = lru_cache(maxsize=65536)(self._edition)
        self.live_langs = lru_cache(maxsize=65536)(self._live_langs)

    def add_events(self, events: list[tuple[str, Event]], churn: bool = False) -> None:
        """Add events after start-up (the churn endpoint); cached editions are rebuilt."""
        for source_id, event in events:
            self._events[source_id].append(event)
        if churn:
            self.churn_events.extend(events)
        self.edition.cache_clear()
        self.live_langs.cache_clear()

    def _target_id(self, target: str) -> str | None:
        if target == "seed":
            return self.catalog.lookup("1950123")[1].source_id
        number = int(target[1:])
        if target.startswith("n"):
            return str(FIRST_NEW_ID + number)
        if number >= self.catalog.count:
            return None
        return self.catalog.generated(number).source_id

    def statement(self, source_id: str, night: int) -> Statement | None:
        found = self.catalog.lookup(source_id)
        if found is None or found[0] > night:
            return None
        return found[1]

    def is_touched(self, source_id: str) -> bool:
        return source_id in self._events

    def _edition(self, source_id: str, lang: str, night: int) -> EditionView | None:
        """The edition on `night`, or None when it has never existed up to then."""
        statement = self.statement(source_id, night)
        if statement is None:
            return None
        state = LIVE if lang in statement.langs else None
        content = self.catalog.content(statement, lang) if state else None
        for event in self._events.get(source_id, ()):
            if event.night > night or event.lang not in (lang, None):
                continue
            if event.op == TRANSLATE:
                state, content = LIVE, self.catalog.content(statement, lang)
            elif content is None:
                continue
            elif event.op == EDIT and event.edit is not None:
                content = event.edit(content, self.catalog.seed, source_id, lang)
            elif event.op == REMOVE:
                state = REMOVED
            elif event.op == script.REDIRECT:
                state = REDIRECT
            elif event.op == RESTORE:
                state = LIVE
        if state is None or content is None:
            return None
        return EditionView(source_id, lang, statement.section, state, content)

    def state(self, source_id: str, lang: str, night: int) -> str | None:
        """The edition's state without building its text (cheap for untouched statements)."""
        if self.is_touched(source_id):
            view = self.edition(source_id, lang, night)
            return None if view is None else view.state
        statement = self.statement(source_id, night)
        return LIVE if statement is not None and lang in statement.langs else None

    def _live_langs(self, source_id: str, night: int) -> tuple[str, ...]:
        """The languages the switcher shows: every live edition of the statement."""
        return tuple(lang for lang in LANGS if self.state(source_id, lang, night) == LIVE)

    def listing_key(self, statement: Statement, lang: str, night: int) -> tuple | None:
        """(published, id) of a live edition for ordering listings; None when not listed."""
        if not self.is_touched(statement.source_id):
            if lang not in statement.langs:
                return None
            return (statement.published, int(statement.source_id))
        view = self.edition(statement.source_id, lang, night)
        if view is None or view.state != LIVE:
            return None
        return (view.content.published, int(statement.source_id))

    def editions(self, night: int) -> Iterator[EditionView]:
        """Every edition that exists or existed by `night`, statement by statement."""
        for statement in self.catalog.published_by(night):
            for lang in LANGS:
                view = self.edition(statement.source_id, lang, night)
                if view is not None:
                    yield view

    def events(self, night: int) -> Iterator[tuple[str, Event]]:
        for source_id, events in self._events.items():
            for event in events:
                if event.night == night:
                    yield source_id, event
