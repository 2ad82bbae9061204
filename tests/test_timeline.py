"""End to end over the whole testbed timeline: the real crawl (Scrapy subprocess) against the
testbed, then normalise and diff, night after night. The changes detected equal the truth
JSON: same editions, kinds and fields, and nothing for noise.

Removals are confirmed on the second run in a row that finds the edition gone, so a removal
the truth records on night N is expected on night N + 1 (a removal on the last night could
not be confirmed within the timeline, and the script has none).

The testbed's nights pass in seconds of real time and its statements date from 2020, so the
site file's re-check policy would leave most editions alone; the test crawls with
`recheck_all`, which makes every known edition due every night.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from pipeline.crawl import crawl
from pipeline.diffing import diff_run
from pipeline.normalise import normalise
from scrapers.sitefile import load_site
from storage.changes import changes_of_run
from storage.db import transaction
from storage.runs import get_run
from testbed.server import serve_in_thread

Detected = dict[tuple[str, str], tuple[str, tuple[str, ...]]]


def expected_changes(truths: list[dict]) -> dict[int, Detected]:
    """The truth's changes per night, with each removal moved to the following night."""
    expected: dict[int, Detected] = {t["night"]: {} for t in truths}
    for truth in truths:
        for change in truth["changes"]:
            night = truth["night"] + (1 if change["kind"] == "removed" else 0)
            assert night in expected, f"removal on the last night cannot be confirmed: {change}"
            key = (change["source_id"], change["lang"])
            expected[night][key] = (change["kind"], tuple(sorted(change["fields"])))
    return expected


def detected_changes(engine: Engine, run_key: str) -> Detected:
    with transaction(engine) as session:
        run = get_run(session, run_key)
        return {
            (c.edition.statement.source_id, c.edition.lang): (c.kind, tuple(sorted(c.fields)))
            for c in changes_of_run(session, run.id)
        }


@pytest.mark.slow
def test_changes_over_every_night_equal_the_truth(
    db_url: str, engine: Engine
) -> None:
    detected: dict[int, Detected] = {}
    truths = []
    with serve_in_thread() as testbed:
        site = load_site("testbed", base_url=testbed.base_url)
        for night in range(testbed.truth()["last_night"] + 1):
            testbed.set_night(night)
            run_key = f"timeline-night-{night}"
            crawl(site_key="testbed", run_key=run_key, base_url=testbed.base_url,
                  polite=False, database_url=db_url, recheck_all=True)
            normalised = normalise(engine, site, run_key)
            assert normalised.errors == 0 and normalised.unusable == {}
            diff_run(engine, site, run_key)
            detected[night] = detected_changes(engine, run_key)
            truths.append(testbed.truth(night))
    expected = expected_changes(truths)
    for night in sorted(expected):
        assert detected[night] == expected[night], f"night {night}"
    noise_only = [t["night"] for t in truths if t["night"] > 0 and not t["changes"]]
    assert noise_only, "the timeline has a noise-only night"
    for night in noise_only:
        assert all(kind == "removed" for kind, _ in detected[night].values())
    assert any(kind == "removed" for d in detected.values() for kind, _ in d.values())
    assert any(kind == "restored" for d in detected.values() for kind, _ in d.values())
