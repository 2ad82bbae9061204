"""The normalise stage on real testbed pages (real HTTP), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from pipeline.normalise import normalise
from scrapers.sitefile import Site
from storage.db import transaction
from storage.models import Capture, Version
from storage.runs import get_run
from testbed.server import TestbedHandle
from tests.stagehelpers import fetch, generated, record, row_counts, with_body, writes

SEED = "1950123"


def outcomes(engine: Engine, run_key: str) -> dict[str, tuple[str, str | None]]:
    with transaction(engine) as session:
        run = get_run(session, run_key)
        rows = session.scalars(select(Capture).where(Capture.run_id == run.id))
        return {f"{c.edition.statement.source_id}/{c.edition.lang}": (c.outcome, c.outcome_reason)
                for c in rows}


def test_first_captures_become_versions_with_their_fields(engine: Engine, site: Site) -> None:
    record(engine, site, "r0", [fetch(site, SEED, lang) for lang in ("ru", "en")])
    result = normalise(engine, site, "r0")
    assert (result.processed, result.versions, result.unusable) == (2, 2, {})
    with transaction(engine) as session:
        versions = {v.edition.lang: v for v in session.scalars(select(Version))}
        assert get_run(session, "r0").counts["normalise"]["versions"] == 2
    en = versions["en"]
    assert en.published_at == datetime(2020, 11, 21, 17, 35, tzinfo=ZoneInfo("Europe/Moscow"))
    assert en.number == "2366-21-11-2020" and en.tags and en.title
    assert "\n" in en.body and "Additional materials" not in en.body
    assert versions["ru"].published_text == "21.11.2020 17:35"


def test_unusable_pages_never_become_versions_and_are_counted_by_reason(
    engine: Engine, site: Site, testbed: TestbedHandle
) -> None:
    langs = ("ru", "en", "de", "fr", "es")
    record(engine, site, "r0", [fetch(site, SEED, lang) for lang in langs])
    normalise(engine, site, "r0")
    before = row_counts(engine)["version"]
    captures = []
    for lang, fault in (("en", "interstitial"), ("de", "error200"), ("es", "malformed")):
        testbed.set_faults([{"name": fault, "paths": f"/{lang}/*"}])
        captures.append(fetch(site, SEED, lang))
    testbed.set_faults([])
    page = fetch(site, SEED, "ru")
    captures.append(with_body(page, page.body[: len(page.body) // 2]))
    testbed.set_night(2)
    captures.append(fetch(site, generated(6), "fr"))
    record(engine, site, "r1", captures)
    result = normalise(engine, site, "r1")
    assert result.versions == 0 and result.unchanged == 0
    assert result.unusable == {"interstitial": 1, "error_page": 1, "malformed": 1,
                               "truncated": 1}
    assert result.gone_by_reason == {"redirect_home": 1}
    assert row_counts(engine)["version"] == before
    seen = outcomes(engine, "r1")
    assert seen[f"{SEED}/en"] == ("unusable", "interstitial")
    assert seen[f"{generated(6)}/fr"] == ("gone", "redirect_home")


def test_noise_only_night_writes_no_version(engine: Engine, site: Site,
                                            testbed: TestbedHandle) -> None:
    touched_by_noise = generated(2)
    langs = ("ru", "en")
    testbed.set_night(2)
    record(engine, site, "n2", [fetch(site, touched_by_noise, lang) for lang in langs])
    normalise(engine, site, "n2")
    testbed.set_night(3)
    night3 = [fetch(site, touched_by_noise, lang) for lang in langs]
    assert b"&nbsp;" in night3[0].body
    record(engine, site, "n3", night3)
    result = normalise(engine, site, "n3")
    assert (result.versions, result.unchanged) == (0, 2)


def test_running_normalise_again_writes_nothing(engine: Engine, site: Site) -> None:
    record(engine, site, "r0", [fetch(site, SEED, lang) for lang in ("ru", "en", "de")])
    first = normalise(engine, site, "r0")
    with writes(engine) as written:
        again = normalise(engine, site, "r0")
    assert written == []
    assert again.processed == 0
    assert again.counts() == first.counts()


def test_a_date_that_does_not_parse_is_kept_as_text_and_flagged(
    engine: Engine, site: Site
) -> None:
    page = fetch(site, SEED, "en")
    broken = page.body.replace(b"21 November 2020", b"21 Brumaire 2020")
    record(engine, site, "r0", [with_body(page, broken)])
    result = normalise(engine, site, "r0")
    assert (result.versions, result.dates_unparsed) == (1, 1)
    with transaction(engine) as session:
        version = session.scalars(select(Version)).one()
        capture = session.scalars(select(Capture)).one()
    assert version.published_at is None
    assert version.published_text == "21 Brumaire 2020 17:35"
    assert capture.outcome_reason.startswith("unparsed date")


def test_captures_that_are_errors_or_not_modified_are_counted(engine: Engine, site: Site,
                                                              testbed: TestbedHandle) -> None:
    testbed.set_faults([{"name": "error503", "paths": "/en/*"}])
    failing = fetch(site, SEED, "en")
    testbed.set_faults([])
    testbed.set_night(2)
    removed = fetch(site, generated(5), "en")
    record(engine, site, "r0", [failing, removed])
    result = normalise(engine, site, "r0")
    assert (result.errors, result.gone, result.gone_by_reason) == (1, 1, {"http_404": 1})
