"""`ministry-watch check` and `ministry-watch normalise` from the command line, against the
testbed over real HTTP; bad input is one line and exit status 2."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from pipeline.cli import main
from pipeline.diffing import diff_run
from pipeline.normalise import normalise
from scrapers.sitefile import Site, load_site
from storage.db import URL_VARIABLE, transaction
from storage.models import Change, Run, Version
from testbed.server import TestbedHandle
from tests.stagehelpers import fetch, record, row_counts

SEED = "1950123"


@pytest.fixture
def cli_db(db_url: str, monkeypatch: pytest.MonkeyPatch, testbed: TestbedHandle) -> str:
    monkeypatch.setenv(URL_VARIABLE, db_url)
    testbed.set_night(0)
    return db_url


def check(testbed: TestbedHandle, wanted: str, *extra: str) -> int:
    return main(["check", wanted, "--site", "testbed", "--base-url", testbed.base_url, *extra])


def test_check_fetches_every_edition_and_prints_what_changed(
    cli_db: str, engine: Engine, testbed: TestbedHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(testbed, f"{testbed.base_url}/en/foreign_policy/news/{SEED}/") == 0
    first = capsys.readouterr().out
    assert "5 editions fetched, 5 changes" in first and f"{SEED}/ru: created" in first
    testbed.set_night(1)
    assert check(testbed, SEED) == 0
    second = capsys.readouterr().out
    assert "1 changes" in second
    assert f"{SEED}/en: edited (minor: body; +1/-1 words)" in second
    assert check(testbed, SEED) == 0
    assert "0 changes" in capsys.readouterr().out
    with transaction(engine) as session:
        runs = session.scalars(select(Run).order_by(Run.id)).all()
    assert [r.kind for r in runs] == ["check"] * 3
    assert all(r.key.startswith(f"check-{SEED}-") and r.status == "finished" for r in runs)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "no such id!", "--site", "testbed"], "is not a statement id"),
        (["check", "4242", "--site", "testbed"], "'4242' of site testbed is not known"),
        (["check", "http://127.0.0.1:1/en/about/", "--site", "testbed"],
         "is not a statement URL of site testbed"),
        (["check", SEED, "--site", "nowhere"], "no such site file"),
        (["normalise", "--site", "testbed"], "exactly one of --run KEY and --reprocess"),
        (["normalise", "--site", "testbed", "--run", "missing"], "no run with key 'missing'"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(
    cli_db: str, engine: Engine, args: list[str], message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = row_counts(engine)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert row_counts(engine) == before


def test_normalise_command_reports_the_counts_of_a_run(
    cli_db: str, engine: Engine, testbed: TestbedHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    site = load_site("testbed", base_url=testbed.base_url)
    record(engine, site, "r0", [fetch(site, SEED, lang) for lang in ("ru", "en")])
    assert main(["normalise", "--site", "testbed", "--run", "r0"]) == 0
    assert "run r0: 2 examined, 2 new versions" in capsys.readouterr().out
    assert main(["normalise", "--site", "testbed", "--run", "r0"]) == 0
    assert "run r0: 0 examined, 2 new versions" in capsys.readouterr().out


def without_number(site: Site) -> Site:
    fields = site.statement.fields.model_copy(update={"number": None})
    return site.model_copy(
        update={"statement": site.statement.model_copy(update={"fields": fields})})


def test_reprocess_rebuilds_versions_after_an_extractor_fix_once_and_raises_no_change(
    cli_db: str, engine: Engine, testbed: TestbedHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    site = load_site("testbed", base_url=testbed.base_url)
    record(engine, site, "r0", [fetch(site, SEED, lang) for lang in ("ru", "en")])
    normalise(engine, without_number(site), "r0")
    diff_run(engine, site, "r0")
    changes_before = row_counts(engine)["change"]
    assert main(["normalise", "--site", "testbed", "--reprocess"]) == 0
    out = capsys.readouterr().out
    assert "2 rebuilt versions" in out and f"rebuilt {SEED}/ru" in out
    with transaction(engine) as session:
        rebuilt = session.scalars(select(Version).where(Version.rebuilt.is_(True))).all()
        assert {v.number for v in rebuilt} == {"2366-21-11-2020"}
        assert len(rebuilt) == 2
    assert main(["normalise", "--site", "testbed", "--reprocess"]) == 0
    assert "0 rebuilt versions, 2 unchanged" in capsys.readouterr().out
    diff_run(engine, site, "r0")
    with transaction(engine) as session:
        assert len(session.scalars(select(Change)).all()) == changes_before
