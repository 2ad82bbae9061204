"""`ministry-watch diff --run KEY --site KEY` runs the diff stage over a crawled night."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, func, select

from pipeline.cli import main
from pipeline.crawl import crawl
from pipeline.normalise import normalise
from scrapers.sitefile import load_site
from storage.db import transaction
from storage.models import Change
from testbed.server import serve_in_thread

RUN = "testbed:diffcmd-night-0"


def test_diff_run_records_the_nights_changes_once(
    engine: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    with serve_in_thread(port=0, statements=3, night=0) as testbed:
        crawl("testbed", RUN, base_url=testbed.base_url, polite=False, database_url=db_url)
        normalise(engine, load_site("testbed", base_url=testbed.base_url), RUN)
    monkeypatch.setenv("MINISTRY_WATCH_DATABASE_URL", db_url)
    assert main(["diff", "--run", RUN, "--site", "testbed", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    with transaction(engine) as session:
        stored = session.scalar(select(func.count()).select_from(Change))
    assert first["recorded"] == stored > 0 and first["kinds"]["created"] > 0
    assert main(["diff", "--run", RUN, "--site", "testbed"]) == 0
    assert "0 changes recorded" in capsys.readouterr().out


def test_diff_run_without_site_is_refused(capsys) -> None:
    assert main(["diff", "--run", RUN]) == 2
    assert capsys.readouterr().err.strip() == "ministry-watch: error: diff --run needs --site"
