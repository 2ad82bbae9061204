"""Plain records shared by the content generator, the timeline and the renderers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

LANGS: tuple[str, ...] = ("ru", "en", "de", "fr", "es")
SWITCHER_ORDER: tuple[str, ...] = ("de", "en", "es", "ru", "fr")
LOCALES: dict[str, str] = {
    "de": "de-DE", "en": "en-GB", "es": "es-ES", "ru": "ru-RU", "fr": "fr-FR",
}
MSK = timezone(timedelta(hours=3), "MSK")

SEED_ID = "1950123"
SEED_PUBLISHED = datetime(2020, 11, 21, 17, 35, tzinfo=MSK)
FIRST_NIGHT_CLOCK = datetime(2020, 11, 22, 3, 0, tzinfo=MSK)

NEWS = "news"
COMMENTS = "comments"
SECTION_SLUGS: dict[str, dict[str, str]] = {
    NEWS: {lang: "foreign_policy/news" for lang in LANGS},
    COMMENTS: {
        "ru": "press_service/spokesman/kommentarii",
        "en": "press_service/spokesman/comments",
        "de": "press_service/spokesman/kommentare",
        "fr": "press_service/spokesman/commentaires",
        "es": "press_service/spokesman/comentarios",
    },
}


def night_clock(night: int) -> datetime:
    """The moment night `night` is taken to happen: 03:00 Moscow time, one day apart."""
    return FIRST_NIGHT_CLOCK + timedelta(days=night)


def edition_path(section: str, lang: str, source_id: str) -> str:
    return f"/{lang}/{SECTION_SLUGS[section][lang]}/{source_id}/"


@dataclass(frozen=True)
class Content:
    """What one language edition says: the fields the pipeline extracts."""

    title: str
    published: datetime
    number: str
    paragraphs: tuple[str, ...]
    tags: tuple[str, ...] = ()
    toc: tuple[str, ...] = ()

    def body_texts(self) -> tuple[str, ...]:
        """The `<p>` texts of the body in page order: table of contents, then paragraphs."""
        return self.toc + self.paragraphs


@dataclass(frozen=True)
class Statement:
    """One statement as first published, before any timeline event touches it."""

    source_id: str
    kind: str
    section: str
    published: datetime
    number: str
    langs: tuple[str, ...]
    contents: dict[str, Content] = field(compare=False, hash=False)


LIVE = "live"
REMOVED = "removed"
REDIRECT = "redirect"


@dataclass(frozen=True)
class EditionView:
    """An edition as it stands on one night; `content` is the last live content when gone."""

    source_id: str
    lang: str
    section: str
    state: str
    content: Content

    @property
    def path(self) -> str:
        return edition_path(self.section, self.lang, self.source_id)
