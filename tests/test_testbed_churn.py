"""POST /_testbed/churn edits a deterministic fraction of live editions, and the pages, their
validators and the truth JSON all follow."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
import requests

from testbed.server import TestbedHandle, serve_in_thread

UA = {"User-Agent": "ministry-watch-tests/1.0"}


@pytest.fixture
def testbed() -> Iterator[TestbedHandle]:
    handle = serve_in_thread(port=0, statements=60)
    yield handle
    handle.stop()


def control(handle: TestbedHandle, path: str, payload: object | None = None) -> requests.Response:
    url = f"{handle.base_url}/_testbed/{path}"
    if payload is None:
        return requests.get(url, timeout=30)
    return requests.post(url, json=payload, timeout=30)


def hashes(truth: dict) -> dict[tuple[str, str], str]:
    return {(e["source_id"], e["lang"]): e["text_sha256"] for e in truth["editions"]
            if e["state"] == "live"}


def test_churn_edits_the_requested_fraction_and_the_truth_says_which(
        testbed: TestbedHandle) -> None:
    before = hashes(control(testbed, "truth").json())
    answer = control(testbed, "churn", {"fraction": 0.05, "seed": 1})
    assert answer.status_code == 200
    result = answer.json()
    edited = {(e["source_id"], e["lang"]) for e in result["editions"]}
    assert result["edited"] == len(edited) == math.ceil(0.05 * len(before))
    after_truth = control(testbed, "truth").json()
    after = hashes(after_truth)
    changed = {key for key in before if before[key] != after[key]}
    assert changed == edited
    assert {(c["source_id"], c["lang"]) for c in after_truth["churn"]} == edited
    assert all(c["kind"] == "edited" and c["fields"] == ["body"] for c in after_truth["churn"])


def test_same_seed_picks_the_same_editions_and_another_seed_others() -> None:
    picks = []
    for seed in (7, 7, 8):
        with serve_in_thread(port=0, statements=60) as handle:
            result = control(handle, "churn", {"fraction": 0.1, "seed": seed}).json()
            picks.append([(e["source_id"], e["lang"]) for e in result["editions"]])
    assert picks[0] == picks[1]
    assert picks[0] != picks[2]


def test_edited_pages_answer_200_to_old_validators_and_the_others_304(
        testbed: TestbedHandle) -> None:
    truth = control(testbed, "truth").json()
    paths = [e["path"] for e in truth["editions"] if e["state"] == "live"]
    session = requests.Session()
    etags = {path: session.get(testbed.base_url + path, headers=UA).headers["ETag"]
             for path in paths}
    result = control(testbed, "churn", {"fraction": 0.05, "seed": 2}).json()
    edited = {e["path"] for e in result["editions"]}
    statuses = {
        path: session.get(testbed.base_url + path,
                          headers={**UA, "If-None-Match": etag}).status_code
        for path, etag in etags.items()
    }
    assert {path for path, status in statuses.items() if status == 200} == edited
    assert {status for path, status in statuses.items() if path not in edited} == {304}


def test_churn_on_a_later_night_is_among_that_nights_changes(testbed: TestbedHandle) -> None:
    control(testbed, "night", {"night": 3})
    result = control(testbed, "churn", {"fraction": 0.02, "seed": 3}).json()
    assert result["night"] == 3
    changes = control(testbed, "truth").json()["changes"]
    churned = {(c["source_id"], c["lang"]) for c in changes if "churn" in c["what"]}
    assert churned == {(e["source_id"], e["lang"]) for e in result["editions"]}
    earlier = control(testbed, "truth?night=2").json()
    assert earlier["churn"] == []


@pytest.mark.parametrize("payload", [
    {"fraction": 0}, {"fraction": 1.5}, {"fraction": "0.1"}, {"fraction": 0.1, "seed": "x"},
    {"seed": 1}, {"fraction": 0.1, "extra": 1}, [0.1],
])
def test_bad_churn_requests_get_400_and_change_nothing(testbed: TestbedHandle,
                                                        payload: object) -> None:
    before = control(testbed, "truth").json()
    answer = control(testbed, "churn", payload)
    assert answer.status_code == 400
    assert answer.json()["error"]
    assert control(testbed, "truth").json() == before
