"""The statement spider against the testbed over HTTP, as a real `scrapy crawl` subprocess,
on SQLite and PostgreSQL: the first night, an incremental night, the re-check rotation,
robots.txt and off-site links."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from pipeline.crawl import CrawlError
from scrapers.sitefile import SITES_DIR, SITES_DIR_VARIABLE
from tests.test_spider_support import (
    assert_good_captures_are_real,
    captures,
    good,
    live_editions,
    replica,
    run_crawl,
    run_row,
)

__all__ = ["replica"]
ROOT = Path(__file__).resolve().parents[1]


def test_night_0_captures_every_edition_of_the_truth_and_nothing_else(replica, db_url, tmp_path):
    truth = replica.truth()
    result = run_crawl(replica, db_url, "night-0", tmp_path)
    rows = captures(db_url, "night-0")
    editions = live_editions(truth)
    assert sorted(r["key"] for r in rows) == sorted(editions)
    assert all(good(r) for r in rows)
    assert {r["url"] for r in rows} == {replica.base_url + e["path"] for e in editions.values()}
    assert_good_captures_are_real(rows, truth)
    switchers = {r["key"]: r["meta"]["switcher"] for r in rows}
    for (source_id, _), langs in switchers.items():
        assert sorted(langs) == sorted(lang for sid, lang in editions if sid == source_id)
    assert result.captures == len(editions)
    assert result.counts["new_statements"] == truth["statements"]
    assert result.counts["by_status"] == {"200": len(editions)}
    stored = run_row(db_url, "night-0")
    assert stored["counts"]["crawl"]["all"]["captures"] == len(editions)
    assert stored["policy"]["recheck"] == {"recent_days": 7, "every_days": 30,
                                           "slice": stored["policy"]["recheck"]["slice"]}


def test_night_1_captures_new_statements_and_rechecks_with_304s_without_body(
    replica, db_url, tmp_path
):
    run_crawl(replica, db_url, "night-0", tmp_path)
    known = live_editions(replica.truth())
    replica.set_night(1)
    truth = replica.truth()
    result = run_crawl(replica, db_url, "night-1", tmp_path)
    rows = {r["key"]: r for r in captures(db_url, "night-1")}
    created = {(c["source_id"], c["lang"]) for c in truth["changes"] if c["kind"] == "created"}
    edited = {(c["source_id"], c["lang"]) for c in truth["changes"] if c["kind"] == "edited"}
    assert created and edited
    assert set(rows) == set(known) | created
    for key in created | edited:
        assert good(rows[key]), key
    unchanged = [rows[key] for key in set(known) - edited]
    assert unchanged and all(r["status"] == 304 and r["body"] is None for r in unchanged)
    assert_good_captures_are_real(list(rows.values()), truth)
    assert result.counts["editions_rechecked"] == len(known)
    assert result.counts["new_statements"] == len({sid for sid, _ in created})
    assert result.counts["by_status"]["304"] == len(unchanged)


def _site_dir(tmp_path: Path, change) -> Path:
    """A copy of the site files with testbed.yaml changed by `change(dict)`."""
    directory = tmp_path / "sites"
    shutil.copytree(SITES_DIR, directory)
    path = directory / "testbed.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return directory


def test_old_editions_are_rechecked_in_a_rotating_slice(replica, db_url, tmp_path, monkeypatch):
    def rotate(data: dict) -> None:
        data["recheck"] = {"recent_days": 0, "every_days": 3}

    monkeypatch.setenv(SITES_DIR_VARIABLE, str(_site_dir(tmp_path, rotate)))
    run_crawl(replica, db_url, "night-0", tmp_path)
    ids = {r["key"]: r["edition_id"] for r in captures(db_url, "night-0")}
    result = run_crawl(replica, db_url, "night-0b", tmp_path)
    day_slice = run_row(db_url, "night-0b")["policy"]["recheck"]["slice"]
    expected = {key for key, edition_id in ids.items() if edition_id % 3 == day_slice}
    rechecked = {r["key"] for r in captures(db_url, "night-0b")}
    assert rechecked == expected
    assert result.counts["editions_rechecked"] == len(expected)
    assert 0 < len(expected) < len(ids)


def test_robots_txt_is_obeyed(replica, db_url, tmp_path, monkeypatch):
    def into_disallowed(data: dict) -> None:
        data["listings"][0]["url"] = "/search/?lang={lang}&PAGEN_1={page}"
        data["feeds"] = []

    monkeypatch.setenv(SITES_DIR_VARIABLE, str(_site_dir(tmp_path, into_disallowed)))
    result = run_crawl(replica, db_url, "robots", tmp_path)
    paths = [entry["target"] for entry in replica.testbed.log]
    assert "/robots.txt" in paths
    assert not [p for p in paths if p.startswith("/search/")]
    assert result.captures == 0
    errors = run_row(db_url, "robots")["errors"]
    assert {e["kind"] for e in errors} == {"robots"}
    assert len(errors) == 5


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server hook name
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
        pass


def test_offsite_links_are_never_followed(replica, db_url, tmp_path):
    """The offsite fault links to 127.0.0.2 on the testbed's port; a server there counts hits."""
    counter = type("Hits", (_Counter,), {"hits": []})
    mirror = http.server.ThreadingHTTPServer(("127.0.0.2", replica.port), counter)
    threading.Thread(target=mirror.serve_forever, daemon=True).start()
    try:
        replica.set_faults([{"name": "offsite"}])
        result = run_crawl(replica, db_url, "offsite", tmp_path)
    finally:
        mirror.shutdown()
        mirror.server_close()
    rows = captures(db_url, "offsite")
    assert counter.hits == []
    assert all(r["url"].startswith(replica.base_url) for r in rows)
    assert sorted(r["key"] for r in rows) == sorted(live_editions(replica.truth()))
    assert result.counts["offsite_links_skipped"] > 0


@pytest.mark.parametrize("languages", [["en"], ["ru", "de"]])
def test_a_language_shard_reports_under_its_own_key(replica, db_url, tmp_path, languages):
    result = run_crawl(replica, db_url, "shard", tmp_path, languages=languages)
    rows = captures(db_url, "shard")
    expected = {k for k in live_editions(replica.truth()) if k[1] in languages}
    assert expected <= {r["key"] for r in rows}
    assert result.shard == "+".join(sorted(languages))
    assert run_row(db_url, "shard")["counts"]["crawl"][result.shard]["captures"] == len(rows)


def test_the_crawl_command_prints_the_counts_it_stored(replica, db_url, tmp_path):
    env = {**os.environ, "MINISTRY_WATCH_DATABASE_URL": db_url}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "crawl", "--site", "testbed", "--run", "cli",
         "--base-url", replica.base_url, "--no-politeness", "--lang", "en", "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    stored = run_row(db_url, "cli")["counts"]["crawl"]["en"]
    assert printed == {"run": "cli", "shard": "en", **stored}
    english = {k for k in live_editions(replica.truth()) if k[1] == "en"}
    assert english <= {r["key"] for r in captures(db_url, "cli")}


def test_a_crawl_that_cannot_store_its_captures_fails_loudly(replica, tmp_path):
    unmigrated = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    with pytest.raises(CrawlError, match="crawl of testbed shard all for run nowhere failed"):
        run_crawl(replica, unmigrated, "nowhere", tmp_path)
