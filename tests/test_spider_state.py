"""The crawl's storage queries (storage/crawl_state.py) on SQLite and PostgreSQL, and language
shards of one run crawling at the same moment."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from storage.captures import CaptureData, record_captures
from storage.crawl_state import (
    KnownEdition,
    RecheckPolicy,
    known_editions,
    known_source_ids,
    save_crawl_report,
    shard_key,
)
from storage.db import transaction
from storage.runs import open_run
from storage.types import utcnow
from tests.test_spider_support import captures, live_editions, replica, run_crawl, run_row

__all__ = ["replica"]


def _edition(edition_id: int, age_days: float, checked_days_ago: float | None) -> KnownEdition:
    now = utcnow()
    return KnownEdition(
        edition_id=edition_id, source_id=str(edition_id), lang="en", url="/x/", state="active",
        first_seen_at=now - timedelta(days=age_days),
        last_checked_at=None if checked_days_ago is None else now - timedelta(
            days=checked_days_ago),
        published_at=None, etag=None, last_modified=None,
    )


def test_recent_editions_are_due_every_night_and_old_ones_once_per_rotation():
    policy = RecheckPolicy(recent_days=7, every_days=5)
    start = utcnow()
    assert all(policy.due(_edition(n, 2, 0.1), start) for n in range(20))
    for n in range(40):
        nights = [start + timedelta(days=d) for d in range(5)]
        due = [policy.due(_edition(n, 400, 0.1), night) for night in nights]
        assert sum(due) == 1, n


def test_an_edition_unchecked_for_every_days_is_due_whatever_its_slice():
    policy = RecheckPolicy(recent_days=0, every_days=5)
    now = utcnow()
    off_slice = next(n for n in range(10) if n % 5 != now.date().toordinal() % 5)
    assert not policy.due(_edition(off_slice, 400, 1), now)
    assert policy.due(_edition(off_slice, 400, 5), now)
    assert policy.due(_edition(off_slice, 400, None), now)


def _capture(url: str, status: int | None, etag: str | None, **extra) -> CaptureData:
    return CaptureData(url=url, fetched_at=utcnow(), http_status=status, source_id="7",
                       lang="en", edition_url=url, etag=etag, **extra)


def test_validators_come_from_the_latest_good_capture(engine):
    url = "https://mid.ru/en/foreign_policy/news/7/"
    with transaction(engine) as session:
        first = open_run(session, "r1", "mid")
        record_captures(session, first, [_capture(url, 200, '"a"', body=b"<p>one</p>",
                                                  last_modified="Mon, 01 Jan 2024 00:00:00 GMT")])
        second = open_run(session, "r2", "mid")
        record_captures(session, second, [_capture(url, 200, '"junk"', body=None,
                                                   error_kind="interstitial")])
        third = open_run(session, "r3", "mid")
        record_captures(session, third, [_capture(url, 304, None)])
    with transaction(engine) as session:
        [known] = known_editions(session, "mid")
        assert (known.source_id, known.lang, known.etag) == ("7", "en", '"a"')
        assert known.last_modified == "Mon, 01 Jan 2024 00:00:00 GMT"
        assert known_editions(session, "mid", ["ru"]) == []


def test_known_source_ids_leave_out_editions_first_seen_in_this_run(engine):
    with transaction(engine) as session:
        earlier = open_run(session, "r1", "mid")
        record_captures(session, earlier, [_capture("https://mid.ru/en/7/", 200, None)])
    later_start = utcnow()
    with transaction(engine) as session:
        run = open_run(session, "r2", "mid")
        record_captures(session, run, [
            CaptureData(url="https://mid.ru/en/8/", fetched_at=utcnow(), http_status=200,
                        source_id="8", lang="en")])
    with transaction(engine) as session:
        assert known_source_ids(session, "mid", "en", ["7", "8", "9"], later_start) == {"7"}
        assert known_source_ids(session, "mid", "ru", ["7"], later_start) == set()


def test_shard_reports_are_kept_side_by_side(engine):
    with transaction(engine) as session:
        open_run(session, "r1", "mid")
    for shard in ("en", "ru"):
        with transaction(engine) as session:
            save_crawl_report(session, "r1", shard, {"captures": len(shard)},
                              {"recheck": {"every_days": 30}},
                              [{"url": f"/{shard}/", "kind": "reset", "error": "x"}])
    with transaction(engine) as session:
        save_crawl_report(session, "r1", "en", {"captures": 5}, {"recheck": {}}, [])
        run = open_run(session, "r1", "mid")
        assert run.counts["crawl"] == {"en": {"captures": 5}, "ru": {"captures": 2}}
        assert [e["shard"] for e in run.errors] == ["ru"]
    assert shard_key(None) == "all" and shard_key(["ru", "en"]) == "en+ru"


def test_language_shards_of_one_run_crawl_at_the_same_time(replica, db_url, tmp_path):
    shards = [["ru"], ["en"], ["de", "fr", "es"]]
    with ThreadPoolExecutor(len(shards)) as pool:
        results = list(pool.map(
            lambda langs: run_crawl(replica, db_url, "together", tmp_path / langs[0],
                                    languages=langs),
            shards))
    rows = captures(db_url, "together")
    assert sorted({r["key"] for r in rows}) == sorted(live_editions(replica.truth()))
    assert len({r["url"] for r in rows}) == len(rows)
    stored = run_row(db_url, "together")["counts"]["crawl"]
    assert set(stored) == {"ru", "en", "de+es+fr"}
    assert sum(r.captures for r in results) == len(rows)
