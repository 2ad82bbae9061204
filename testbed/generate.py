"""Deterministic statements: one per index, built on demand from (seed, index).

Nothing is pre-rendered: the cheap facts (id, kind, date, languages) come from a small
random stream, the text only when an edition is asked for, and both are cached.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from functools import lru_cache

from testbed.dates import title_date
from testbed.lexicon import COUNTRIES, SENTENCES, TAGS, TITLES, TOPICS, UNOFFICIAL
from testbed.model import COMMENTS, LANGS, NEWS, SEED_PUBLISHED, Content, Statement

KINDS = ("news", "statement", "comment", "briefing")
KIND_WEIGHTS = (45, 30, 15, 10)
PARAGRAPHS = {"news": (2, 5), "statement": (5, 12), "comment": (4, 8)}
BRIEFING_PARAGRAPHS = (36, 70)
LANG_SETS = (("ru",), ("ru", "en"), ("ru", "en", "de"), ("ru", "en", "fr", "es"), LANGS)
LANG_WEIGHTS = (50, 25, 8, 7, 10)


@lru_cache(maxsize=262144)
def generated_id(seed: int, index: int) -> str:
    """Ids fall as statements get older; each index owns a block of five ids."""
    return str(1950100 - 5 * index - _stream(seed, index, "id").randrange(5))


def _stream(seed: int, index: int, purpose: str) -> random.Random:
    return random.Random(f"{seed}:{index}:{purpose}")


def document_number(index: int, published: datetime) -> str:
    seq = (2364 - index) % 2400 + 1
    return f"{seq}-{published:%d-%m-%Y}"


@lru_cache(maxsize=262144)
def make_statement(
    seed: int, index: int, kind: str | None = None, langs: tuple[str, ...] | None = None
) -> Statement:
    """The statement at `index` (0 is the newest before the seed statement).

    `kind` and `langs` let the timeline pin the few statements it edits.
    """
    rng = _stream(seed, index, "meta")
    kind = kind or rng.choices(KINDS, KIND_WEIGHTS)[0]
    chosen = rng.choices(LANG_SETS, LANG_WEIGHTS)[0]
    if kind == "briefing" and len(chosen) > 2:
        chosen = ("ru", "en")
    langs = langs or chosen
    published = SEED_PUBLISHED - timedelta(hours=1 + 4 * index, minutes=rng.randrange(240))
    section = COMMENTS if kind == "comment" else NEWS
    return Statement(
        source_id=generated_id(seed, index),
        kind=kind,
        section=section,
        published=published,
        number=document_number(index, published),
        langs=langs,
        contents={},
    )


@lru_cache(maxsize=4096)
def make_content(seed: int, statement: Statement, lang: str, variant: str = "") -> Content:
    """The text of one edition; `variant` names an extra stream for text added later."""
    rng = _stream(seed, int(statement.source_id), "text" + variant)
    country = rng.randrange(len(COUNTRIES["en"]))
    topic = rng.randrange(len(TOPICS["en"]))
    title = TITLES[statement.kind][lang].format(
        country=COUNTRIES[lang][country],
        topic=TOPICS[lang][topic],
        date=title_date(lang, statement.published),
    )
    tags = tuple(TAGS[lang][i] for i in sorted(rng.sample(range(len(TAGS["en"])), 2)))
    toc: tuple[str, ...] = ()
    if statement.kind == "briefing":
        toc, paragraphs = _briefing(rng, lang)
    else:
        low, high = PARAGRAPHS.get(statement.kind, (5, 12))
        paragraphs = tuple(_paragraph(rng, lang, country) for _ in range(rng.randint(low, high)))
    if lang == "en" and rng.random() < 0.6:
        paragraphs = (UNOFFICIAL, *paragraphs)
    return Content(title, statement.published, statement.number, paragraphs, tags, toc)


def extra_paragraph(seed: int, source_id: str, lang: str, salt: str) -> str:
    """A paragraph for the timeline to append, in the statement's own words."""
    rng = _stream(seed, int(source_id), "extra" + salt)
    return _paragraph(rng, lang, rng.randrange(len(COUNTRIES["en"])))


def _paragraph(rng: random.Random, lang: str, country: int) -> str:
    count = rng.randint(2, 5)
    sentences = rng.choices(range(len(SENTENCES["en"])), k=count)
    topics = rng.choices(range(len(TOPICS["en"])), k=count)
    place = COUNTRIES[lang][country]
    return " ".join(
        SENTENCES[lang][s].format(country=place, topic=TOPICS[lang][t])
        for s, t in zip(sentences, topics, strict=True)
    )


def _briefing(rng: random.Random, lang: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A long briefing: a `#N` table of contents, then one headed section per topic."""
    total = rng.randint(*BRIEFING_PARAGRAPHS)
    sections = rng.randint(6, 10)
    headings = []
    for n in range(sections):
        topic = TOPICS[lang][rng.randrange(len(TOPICS["en"]))]
        headings.append(f"{n + 1}. {topic[:1].upper()}{topic[1:]}")
    body: list[str] = []
    per_section = max(1, total // sections)
    for heading in headings:
        body.append(heading)
        country = rng.randrange(len(COUNTRIES["en"]))
        body.extend(
            " ".join(_paragraph(rng, lang, country) for _ in range(2)) for _ in range(per_section)
        )
    return tuple(headings), tuple(body)
