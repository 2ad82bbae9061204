"""The history queries and the analysts' read commands, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import Engine, func, select

from pipeline.cli import main
from storage.db import transaction
from storage.history import statement_history
from storage.models import Change, Version
from storage.search import search
from tests.history_seed import build_history

SEED = "1950123"


@pytest.fixture
def history(engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    build_history(engine)
    monkeypatch.setenv("MINISTRY_WATCH_DATABASE_URL", db_url)
    return engine


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_history_gives_editions_versions_and_changes_in_time_order(history: Engine) -> None:
    with transaction(history) as session:
        found = statement_history(session, SEED)
    assert [e.lang for e in found.editions] == ["de", "en", "es", "fr", "ru"]
    assert [v.seq for v in found.edition("en").versions] == [1, 2]
    moments = [event.at for event in found.timeline()]
    assert moments == sorted(moments)
    edits = [(ev.lang, ev.seq) for ev in found.timeline() if ev.what == "edited"]
    assert edits == [("en", 2), ("ru", 2), ("de", 2)]


def test_history_command_prints_a_table_and_json(history: Engine, capsys) -> None:
    status, out, _ = run(capsys, "history", SEED, "--lang", "en")
    assert status == 0
    assert "edited" in out and "created" in out and "en" in out
    status, out, _ = run(capsys, "history", SEED, "--json")
    data = json.loads(out)
    assert status == 0 and data["source_id"] == SEED and len(data["editions"]) == 5


@pytest.mark.parametrize(
    ("moment", "seq"),
    [("2020-11-22T12:00", 1), ("2020-11-23", 2), ("2020-11-23T00:00:00+00:00", 2),
     ("2030-01-01", 2)],
)
def test_show_at_returns_the_version_current_then(history, capsys, moment, seq) -> None:
    status, out, _ = run(capsys, "show", SEED, "--lang", "en", "--at", moment, "--json")
    version = json.loads(out)
    assert status == 0 and version["seq"] == seq
    assert ("proof of our support" in version["body"]) == (seq == 2)


def test_show_at_before_the_first_version_is_refused(history, capsys) -> None:
    status, out, err = run(capsys, "show", SEED, "--lang", "en", "--at", "2020-11-21")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "no version yet" in err


def test_show_prints_a_version_by_number(history, capsys) -> None:
    status, out, _ = run(capsys, "show", SEED, "--lang", "en", "--version", "1")
    assert status == 0 and "yet another poof of our support" in out and "superseded" in out


def test_search_finds_text_of_superseded_versions(history: Engine) -> None:
    with transaction(history) as session:
        old = search(session, "poof")
        new = search(session, "proof of our support", lang="en")
        russian = search(session, "proof", lang="ru")
    assert [(h.source_id, h.lang, h.seq, h.current) for h in old] == [(SEED, "en", 1, False)]
    assert (SEED, "en", 2, True) in [(h.source_id, h.lang, h.seq, h.current) for h in new]
    assert "\x02proof\x03" in new[0].snippet
    assert russian == []


def test_search_command_prints_json_hits(history, capsys) -> None:
    status, out, _ = run(capsys, "search", "poof", "--json")
    hits = json.loads(out)
    assert status == 0 and hits[0]["seq"] == 1 and "*poof*" in hits[0]["snippet"]


def test_changes_command_filters(history, capsys) -> None:
    status, out, _ = run(capsys, "changes", "--kind", "edited", "--lang", "en", "--json",
                         "--since", "2020-11-23", "--until", "2020-11-23T23:59")
    page = json.loads(out)
    assert status == 0
    assert {(c["kind"], c["lang"], c["detected_at"][:10]) for c in page["items"]} == {
        ("edited", "en", "2020-11-23")
    }
    assert SEED in {c["source_id"] for c in page["items"]}
    status, out, _ = run(capsys, "changes", "--kind", "removed")
    assert status == 0 and "2 of 2 changes" in out
    removed = sorted(line.split()[4:6] for line in out.splitlines()[1:3])
    assert removed == [["en", "removed"], ["fr", "removed"]]


def test_export_streams_every_version_as_csv_and_jsonl(history: Engine, capsys) -> None:
    with transaction(history) as session:
        versions = session.scalar(select(func.count()).select_from(Version))
        changes = session.scalar(select(func.count()).select_from(Change))
    status, out, _ = run(capsys, "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert status == 0 and len(rows) == versions
    seed_words = {w for r in rows if r["source_id"] == SEED for w in r["body"].split()}
    assert {"proof", "poof"} <= seed_words
    status, out, _ = run(capsys, "export", "--format", "jsonl", "--what", "changes")
    lines = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and len(lines) == changes
    assert [line["detected_at"] for line in lines] == sorted(line["detected_at"] for line in lines)


def test_diff_command_shows_the_typo_fix(history, capsys) -> None:
    status, out, _ = run(capsys, "diff", SEED, "--lang", "en", "--color", "always")
    assert status == 0 and "\x1b[32m\x1b[1mr\x1b[0m" in out
    status, out, _ = run(capsys, "diff", SEED, "--lang", "en", "--from", "1", "--to", "2",
                         "--color", "never")
    assert status == 0 and "p{+r+}oof" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["history", "999"], "no statement '999'"),
        (["show", SEED, "--lang", "xx"], "no 'xx' edition"),
        (["show", SEED, "--lang", "en", "--version", "7"], "has no version 7"),
        (["show", SEED, "--lang", "en", "--at", "yesterday"], "--at 'yesterday' is not a date"),
        (["changes", "--kind", "moved"], "unknown change kind 'moved'"),
        (["changes", "--since", "2021-01-02", "--until", "2021-01-01"], "is after until"),
        (["search", "  "], "search text is empty"),
        (["diff", SEED], "diff needs SOURCE_ID and --lang"),
        (["diff", SEED, "--lang", "en", "--from", "0"], "version numbers start at 1"),
    ],
)
def test_bad_input_gives_one_line_and_status_2(history, capsys, argv, message) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and message in err
