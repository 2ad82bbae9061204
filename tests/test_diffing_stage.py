"""The diff stage on real testbed pages fetched night by night, on SQLite and PostgreSQL:
edits with stored patches, back-dating, lifecycle changes, the two-runs removal rule."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import selectinload

from pipeline.diffing import diff_run
from pipeline.normalise import normalise
from pipeline.textdiff import apply_patch
from scrapers.sitefile import Site
from storage.db import transaction
from storage.models import Change, Edition
from storage.runs import get_run
from testbed.server import TestbedHandle
from tests.stagehelpers import fetch, generated, record, writes

SEED = "1950123"


def night(engine: Engine, site: Site, testbed: TestbedHandle, number: int,
          editions: list[tuple[str, str]]) -> dict[tuple[str, str], Change]:
    """Fetch `editions` on night `number` into run `night-N`, normalise, diff; its changes."""
    testbed.set_night(number)
    run_key = f"night-{number}"
    record(engine, site, run_key, [fetch(site, sid, lang) for sid, lang in editions])
    normalise(engine, site, run_key)
    diff_run(engine, site, run_key)
    with transaction(engine) as session:
        run = get_run(session, run_key)
        query = select(Change).where(Change.run_id == run.id).options(
            selectinload(Change.version), selectinload(Change.previous_version),
            selectinload(Change.edition).selectinload(Edition.statement))
        return {(c.edition.statement.source_id, c.edition.lang): c
                for c in session.scalars(query)}


def test_an_edit_is_stored_as_a_patch_that_rebuilds_the_new_text(
    engine: Engine, site: Site, testbed: TestbedHandle
) -> None:
    editions = [(SEED, "ru"), (SEED, "en")]
    created = night(engine, site, testbed, 0, editions)
    assert {c.kind for c in created.values()} == {"created"}
    changes = night(engine, site, testbed, 1, editions)
    assert list(changes) == [(SEED, "en")]
    change = changes[(SEED, "en")]
    assert (change.kind, change.fields, change.significance) == ("edited", ["body"], "minor")
    body = change.diff["body"]
    assert apply_patch(change.previous_version.body, body["patch"]) == change.version.body
    assert "proof" in change.version.body and "poof" in change.previous_version.body
    assert (body["chars_added"], body["words_added"], body["words_removed"]) == (1, 1, 1)
    assert change.chars_added == 1 and 0.99 < change.similarity < 1


def test_a_changed_publication_date_is_flagged_with_old_and_new(
    engine: Engine, site: Site, testbed: TestbedHandle
) -> None:
    backdated = generated(4)
    editions = [(backdated, "ru"), (backdated, "en")]
    night(engine, site, testbed, 1, editions)
    changes = night(engine, site, testbed, 2, editions)
    assert set(changes) == set(editions)
    for change in changes.values():
        assert change.fields == ["published"] and change.significance == "substantive"
        published = change.diff["published"]
        assert published["new"] < published["old"]
        assert published["old"] == change.previous_version.published_at.isoformat()


def test_one_bad_night_is_not_a_removal_and_two_are(
    engine: Engine, site: Site, testbed: TestbedHandle
) -> None:
    removed = (generated(5), "en")
    night(engine, site, testbed, 1, [removed])
    assert night(engine, site, testbed, 2, [removed]) == {}
    changes = night(engine, site, testbed, 3, [removed])
    assert changes[removed].kind == "removed"
    with transaction(engine) as session:
        assert session.get(Edition, changes[removed].edition_id).state == "removed"
    restored = night(engine, site, testbed, 4, [removed])
    assert (restored[removed].kind, restored[removed].fields) == ("restored", [])
    with transaction(engine) as session:
        assert session.get(Edition, restored[removed].edition_id).state == "active"


def test_a_gone_night_followed_by_an_answer_is_no_change(
    engine: Engine, site: Site, testbed: TestbedHandle
) -> None:
    flaky = (SEED, "ru")
    night(engine, site, testbed, 1, [flaky])
    testbed.set_faults([{"name": "error503", "paths": "/ru/*", "times": 1}])
    assert night(engine, site, testbed, 2, [flaky]) == {}
    assert night(engine, site, testbed, 3, [flaky]) == {}


def test_a_new_language_edition_is_a_translation_and_a_new_statement_is_created(
    engine: Engine, site: Site, testbed: TestbedHandle
) -> None:
    translated = generated(7)
    first = night(engine, site, testbed, 1, [(translated, "ru")])
    assert first[(translated, "ru")].kind == "created"
    second = night(engine, site, testbed, 2, [(translated, "ru"), (translated, "en")])
    assert second == {(translated, "en"): second[(translated, "en")]}
    assert second[(translated, "en")].kind == "translation_added"


def test_running_diff_again_writes_nothing(
    engine: Engine, site: Site, testbed: TestbedHandle
) -> None:
    editions = [(SEED, "en"), (generated(5), "en")]
    night(engine, site, testbed, 0, editions)
    night(engine, site, testbed, 2, editions)
    night(engine, site, testbed, 3, editions)
    with writes(engine) as written:
        again = diff_run(engine, site, "night-3")
    assert written == []
    assert again.recorded == 0 and again.kinds == {"removed": 1}
