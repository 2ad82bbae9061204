"""A history to query: the testbed's scripted nights written through the storage functions.

Each night, every edition of the chosen statements is read from the testbed timeline (the
same truth the replica serves) and recorded as the pipeline records it: a version when the
content differs, and a `created`, `translation_added`, `edited`, `removed` or `restored`
change, stamped at the night's clock.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import Engine

from pipeline.textdiff import DELETE, INSERT, diff_ops
from storage.changes import ChangeData, add_change
from storage.db import transaction
from storage.models import Edition
from storage.runs import close_run, open_run
from storage.statements import get_or_create_edition, get_or_create_statement
from storage.versions import VersionAdded, VersionContent, add_version
from testbed.model import LANGS, LIVE, SEED_ID, edition_path, night_clock
from testbed.timeline import Timeline

SITE = "testbed"
BASE = "http://testbed.invalid"
HOSTILE_ID = "6660666"
HOSTILE_TITLE = "<script>alert(1)</script>"


def night_at(night: int) -> datetime:
    return night_clock(night).astimezone(UTC)


def chosen_ids(timeline: Timeline, generated: int = 9) -> list[str]:
    return [SEED_ID] + [timeline.catalog.generated(n).source_id for n in range(generated)]


def content_of(title: str, body: str, published: datetime | None = None) -> VersionContent:
    digest = hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()
    return VersionContent(content_hash=digest, title=title, body=body, published_at=published)


def _edited(edition: Edition, run_id: int, added: VersionAdded) -> ChangeData:
    old, new = added.previous, added.version
    assert old is not None
    ops = diff_ops(old.body, new.body) + diff_ops(old.title, new.title)
    fields = [f for f in ("title", "body") if getattr(old, f) != getattr(new, f)]
    return ChangeData(
        edition_id=edition.id, run_id=run_id, kind="edited", version_id=new.id,
        previous_version_id=old.id, significance="minor" if fields == ["body"] else "substantive",
        fields=fields, chars_added=sum(len(t) for op, t in ops if op == INSERT),
        chars_removed=sum(len(t) for op, t in ops if op == DELETE), similarity=0.99,
    )


def record_edition_night(
    session, run_id: int, edition: Edition, created: bool, live: bool,
    content: VersionContent, at: datetime, new_statement: bool,
) -> None:
    """What the normalise and diff stages record for one edition on one night."""
    change: ChangeData | None = None
    if not live:
        if edition.state == "active" and not created:
            edition.state = "removed"
            change = ChangeData(edition_id=edition.id, run_id=run_id, kind="removed")
    else:
        if edition.state == "removed":
            edition.state = "active"
            change = ChangeData(edition_id=edition.id, run_id=run_id, kind="restored")
        added = add_version(session, edition.id, content, None, observed_at=at)
        if isinstance(added, VersionAdded) and added.previous is None:
            kind = "created" if new_statement else "translation_added"
            change = ChangeData(edition_id=edition.id, run_id=run_id, kind=kind,
                                version_id=added.version.id)
        elif isinstance(added, VersionAdded):
            change = _edited(edition, run_id, added)
    edition.last_checked_at = at
    if change is not None:
        recorded = add_change(session, change)
        if recorded is not None:
            recorded.detected_at = at


def build_history(engine: Engine, nights: int = 6, generated: int = 9) -> list[str]:
    """Record nights 0..nights-1 of the testbed for the seed and `generated` statements;
    returns their source ids."""
    timeline = Timeline()
    ids = chosen_ids(timeline, generated)
    for night in range(nights):
        at = night_at(night)
        with transaction(engine) as session:
            run = open_run(session, f"testbed-night-{night}", SITE)
            for source_id in ids:
                _record_statement_night(session, timeline, run.id, source_id, night, at)
            close_run(run)
    return ids


def _record_statement_night(session, timeline, run_id, source_id, night, at) -> None:
    views = [timeline.edition(source_id, lang, night) for lang in LANGS]
    views = [v for v in views if v is not None]
    if not views:
        return
    statement = get_or_create_statement(session, SITE, source_id)
    new_statement = not statement.editions
    for view in views:
        url = BASE + edition_path(view.section, view.lang, source_id)
        edition, created = get_or_create_edition(session, statement, view.lang, url)
        body = "\n\n".join(view.content.body_texts())
        content = content_of(view.content.title, body, view.content.published)
        record_edition_night(
            session, run_id, edition, created, view.state == LIVE, content, at, new_statement
        )


def add_hostile_statement(engine: Engine) -> None:
    """A statement whose scraped title and body are markup, with an edit between two nights."""
    bodies = [
        'First <img src=x onerror="alert(2)"> text & more.',
        'First <img src=x onerror="alert(2)"> text & more. <b>Added</b> sentence.',
    ]
    with transaction(engine) as session:
        run = open_run(session, "hostile", SITE)
        statement = get_or_create_statement(session, SITE, HOSTILE_ID)
        edition, _ = get_or_create_edition(session, statement, "en", f"{BASE}/en/x/{HOSTILE_ID}/")
        for night, body in enumerate(bodies):
            added = add_version(
                session, edition.id, content_of(HOSTILE_TITLE, body), None,
                observed_at=night_at(night),
            )
            assert isinstance(added, VersionAdded)
            if added.previous is not None:
                add_change(session, _edited(edition, run.id, added))
