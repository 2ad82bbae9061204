"""The truth JSON: which editions exist on a night, what changed that night, which noise.

`text_sha256` is the SHA-256 of `normalised_text(body_texts)`, so a test can recompute it
from a served page: the text of every `<p>` in `div.text.article-content`, normalised.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from testbed import churn, script
from testbed.model import LANGS, LIVE, REDIRECT, EditionView
from testbed.timeline import Timeline

_SPACE = re.compile(r"\s+")
KINDS = {
    script.EDIT: "edited",
    script.REMOVE: "removed",
    script.REDIRECT: "removed",
    script.RESTORE: "restored",
    script.TRANSLATE: "translation_added",
}
REDIRECT_LOCATION = "/"


def normalised_text(paragraphs: Iterable[str]) -> str:
    """NFC, every run of whitespace (NBSP included) as one space, empty paragraphs dropped."""
    lines = (_SPACE.sub(" ", unicodedata.normalize("NFC", p).replace("\xa0", " ")).strip()
             for p in paragraphs)
    return "\n".join(line for line in lines if line)


def text_sha256(paragraphs: Iterable[str]) -> str:
    return hashlib.sha256(normalised_text(paragraphs).encode("utf-8")).hexdigest()


def edition_record(view: EditionView) -> dict[str, Any]:
    content = view.content
    return {
        "source_id": view.source_id,
        "lang": view.lang,
        "path": view.path,
        "state": view.state,
        "location": REDIRECT_LOCATION if view.state == REDIRECT else None,
        "title": content.title,
        "published": content.published.isoformat(),
        "number": content.number,
        "text_sha256": text_sha256(content.body_texts()),
    }


def changes(timeline: Timeline, night: int) -> list[dict[str, Any]]:
    """What happened on `night`; several events on one edition merge into one change."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    if night == 0:
        created = [v for v in timeline.editions(0) if v.state == LIVE]
    else:
        created = [
            v for statement in timeline.catalog.published_by(night)
            if timeline.catalog.lookup(statement.source_id)[0] == night
            for lang in LANGS
            if (v := timeline.edition(statement.source_id, lang, night)) and v.state == LIVE
        ]
    for view in created:
        merged[(view.source_id, view.lang)] = _change(view.source_id, view.lang, "created",
                                                      [], "published")
    if night > 0:
        for source_id, event in timeline.events(night):
            langs = [event.lang] if event.lang else timeline.live_langs(source_id, night)
            for lang in langs:
                key = (source_id, lang)
                if key not in merged:
                    merged[key] = _change(source_id, lang, KINDS[event.op], [], event.what)
                else:
                    merged[key]["what"] += f"; {event.what}"
                fields = merged[key]["fields"]
                fields.extend(f for f in event.fields if f not in fields)
    return sorted(merged.values(), key=lambda c: (-int(c["source_id"]), LANGS.index(c["lang"])))


def _change(source_id: str, lang: str, kind: str, fields: list[str], what: str) -> dict:
    return {"source_id": source_id, "lang": lang, "kind": kind, "fields": fields, "what": what}


def truth(timeline: Timeline, night: int) -> dict[str, Any]:
    editions = [edition_record(v) for v in timeline.editions(night)]
    return {
        "night": night,
        "last_night": timeline.last,
        "statements": sum(1 for _ in timeline.catalog.published_by(night)),
        "editions": editions,
        "changes": changes(timeline, night),
        "noise": script.noise(night),
        "churn": [churn.record(timeline, source_id, event)
                  for source_id, event in timeline.churn_events if event.night == night],
    }
