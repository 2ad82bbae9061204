"""Each testbed fault on the English statement pages: the crawl finishes, records the error or
retries to success, and never stores an interstitial, error page or truncated page as content."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_spider_support import (
    assert_good_captures_are_real,
    captures,
    good,
    live_editions,
    replica,
    run_crawl,
)

__all__ = ["replica"]
EN_STATEMENTS = "/en/*[0-9]/"
SUCCESS = None

# (fault spec, crawl settings, what every English capture must show: None = good content)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any], tuple[int | None, str] | None]] = {
    "error503 persists": ({"name": "error503"}, {"RETRY_TIMES": 1}, (503, "http_5xx")),
    "error500 once": ({"name": "error500", "times": 1}, {}, SUCCESS),
    "ratelimit429 once": ({"name": "ratelimit429", "times": 1, "seconds": 1}, {}, SUCCESS),
    "ratelimit429 persists": ({"name": "ratelimit429", "seconds": 0}, {"RETRY_TIMES": 1},
                              (429, "http_429")),
    "reset": ({"name": "reset"}, {"RETRY_TIMES": 1}, (None, "reset")),
    "slow": ({"name": "slow", "seconds": 3}, {"RETRY_TIMES": 0, "DOWNLOAD_TIMEOUT": 1},
             (None, "timeout")),
    "truncated": ({"name": "truncated"}, {"RETRY_TIMES": 1}, (None, "truncated")),
    "interstitial": ({"name": "interstitial"}, {}, SUCCESS),
    "interstitial without cookies": ({"name": "interstitial"}, {"COOKIES_ENABLED": False},
                                     (200, "interstitial")),
    "ua403": ({"name": "ua403"}, {}, SUCCESS),
    "error200": ({"name": "error200"}, {}, (200, "error_page")),
    "malformed": ({"name": "malformed"}, {}, (200, "malformed")),
    "huge": ({"name": "huge"}, {}, (None, "too_large")),
}


@pytest.mark.parametrize("case", list(CASES))
def test_fault_is_recorded_or_retried_and_never_stored_as_content(replica, db_url, tmp_path, case):
    fault, settings, expected = CASES[case]
    truth = replica.truth()
    replica.set_faults([{**fault, "paths": EN_STATEMENTS}])
    result = run_crawl(replica, db_url, "faulty", tmp_path, extra_settings=settings)
    rows = captures(db_url, "faulty")
    assert result.counts["finish_reason"] == "finished"
    assert sorted(r["key"] for r in rows) == sorted(live_editions(truth))
    english = [r for r in rows if r["key"][1] == "en"]
    others = [r for r in rows if r["key"][1] != "en"]
    assert english and all(good(r) for r in others)
    if expected is SUCCESS:
        assert all(good(r) for r in english)
    else:
        status, kind = expected
        assert {(r["status"], r["error_kind"]) for r in english} == {(status, kind)}
        assert result.counts["by_status"][kind] == len(english)
    for row in rows:
        if row["body"] is not None:
            assert b"Data processing" not in row["body"]
            assert b'class="error-page"' not in row["body"]
    assert_good_captures_are_real(rows, truth)


def test_retry_after_is_honoured(replica, db_url, tmp_path):
    replica.set_faults([{"name": "ratelimit429", "times": 1, "seconds": 2,
                         "paths": EN_STATEMENTS}])
    run_crawl(replica, db_url, "patient", tmp_path)
    log = list(replica.testbed.log)
    limited = next(e for e in log if e["status"] == 429)
    again = [e for e in log if e["target"] == limited["target"] and e["t"] > limited["t"]]
    assert again and again[0]["status"] == 200
    assert again[0]["t"] - limited["t"] >= 1.9


def test_the_user_agent_names_the_project_and_a_contact(replica, db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("MINISTRY_WATCH_CONTACT", "watch@example.org")
    run_crawl(replica, db_url, "agent", tmp_path)
    agents = {e["user_agent"] for e in replica.testbed.log}
    assert agents == {"ministry-watch/0.1 (+mailto:watch@example.org)"}
