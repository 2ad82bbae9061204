"""Churn: edit a deterministic fraction of the live editions of the current night, for the
incremental-night benchmark. Each chosen edition gets one paragraph appended, effective from
that night on; the timeline records the edits so pages, validators and the truth follow."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from storage.errors import InputError
from testbed import edits
from testbed.model import LANGS, LIVE, edition_path
from testbed.script import EDIT, Event

if TYPE_CHECKING:
    from testbed.timeline import Timeline

WHAT = "paragraph appended (churn)"
FIELDS = ("body",)


@dataclass(frozen=True)
class ChurnRequest:
    fraction: float
    seed: int


def parse_request(body: Any) -> ChurnRequest:
    """`{"fraction": 0 < f <= 1, "seed": int}`; anything else raises InputError."""
    if not isinstance(body, dict) or set(body) - {"fraction", "seed"} or "fraction" not in body:
        raise InputError('send {"fraction": F, "seed": S} with 0 < F <= 1')
    fraction, seed = body["fraction"], body.get("seed", 1)
    if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not (
            0 < fraction <= 1):
        raise InputError(f"fraction must be a number above 0 and at most 1, not {fraction!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InputError(f"seed must be a whole number, not {seed!r}")
    return ChurnRequest(float(fraction), seed)


def live_editions(timeline: Timeline, night: int) -> list[tuple[str, str]]:
    """(source_id, lang) of every live edition on `night`, in truth order."""
    return [
        (statement.source_id, lang)
        for statement in timeline.catalog.published_by(night)
        for lang in LANGS
        if timeline.state(statement.source_id, lang, night) == LIVE
    ]


def pick(timeline: Timeline, night: int, request: ChurnRequest) -> list[tuple[str, str]]:
    """ceil(fraction x live editions) editions, the same ones for the same seed and night."""
    live = live_editions(timeline, night)
    count = min(len(live), math.ceil(request.fraction * len(live) - 1e-9))
    chosen = set(random.Random(f"churn:{request.seed}:{night}").sample(range(len(live)), count))
    return [edition for index, edition in enumerate(live) if index in chosen]


def churn(timeline: Timeline, night: int, request: ChurnRequest) -> list[dict[str, Any]]:
    """Edit the picked editions from `night` on; returns their truth change records."""
    salt = f"churn{request.seed}:{night}:{len(timeline.churn_events)}"
    chosen = pick(timeline, night, request)
    events = [
        (source_id, Event(night, source_id, lang, EDIT, WHAT, FIELDS,
                          edits.append_paragraph(salt)))
        for source_id, lang in chosen
    ]
    timeline.add_events(events, churn=True)
    return [record(timeline, source_id, event) for source_id, event in events]


def record(timeline: Timeline, source_id: str, event: Event) -> dict[str, Any]:
    view = timeline.edition(source_id, event.lang, event.night)
    section = view.section if view is not None else "news"
    return {
        "night": event.night,
        "source_id": source_id,
        "lang": event.lang,
        "path": edition_path(section, event.lang, source_id),
        "kind": "edited",
        "fields": list(event.fields),
        "what": event.what,
    }
