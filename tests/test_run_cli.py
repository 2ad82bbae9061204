"""`ministry-watch run` and `ministry-watch demo`: the whole pipeline from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psutil
from sqlalchemy import func, select

from storage.db import create_db_engine, transaction
from storage.models import Change, Run
from testbed.server import serve_in_thread

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=600,
    )


def test_run_crawls_normalises_and_diffs_a_night(db_url: str, tmp_path: Path) -> None:
    env = {"MINISTRY_WATCH_DATABASE_URL": db_url, "MINISTRY_WATCH_DATA_DIR": str(tmp_path)}
    with serve_in_thread(statements=8) as testbed:
        result = cli(
            "run", "--site", "testbed", "--base-url", testbed.base_url, "--run", "night-0",
            "--no-politeness", "--subscriptions", str(ROOT / "testbed" / "demo-alerts.yaml"),
            "--json", env=env,
        )
        truth = testbed.truth()
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout[result.stdout.index("{"):])
    live = [e for e in truth["editions"] if e["state"] == "live"]
    assert report["status"] == "finished"
    assert report["changes"] == {"created": len(live)}
    assert report["captures"].get("version") == len(live)
    engine = create_db_engine(db_url)
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(Change)) == len(live)
    engine.dispose()


def test_run_with_a_wrong_site_is_one_line_exit_2_and_writes_nothing(
    db_url: str, tmp_path: Path
) -> None:
    env = {"MINISTRY_WATCH_DATABASE_URL": db_url}
    result = cli("run", "--site", "no-such-ministry", env=env)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no-such-ministry" in result.stderr and "no such site file" in result.stderr
    engine = create_db_engine(db_url)
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(Run)) == 0
    engine.dispose()


def test_demo_runs_two_nights_prints_a_summary_and_stops_the_testbed(tmp_path: Path) -> None:
    env = {"MINISTRY_WATCH_DATA_DIR": str(tmp_path)}
    env_clean = {k: v for k, v in os.environ.items() if k != "MINISTRY_WATCH_DATABASE_URL"}
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "demo", "--statements", "6"],
        cwd=ROOT, env={**env_clean, **env}, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "night 0:" in out and "night 1:" in out and "pages captured" in out
    assert "editions per language" in out and "  en: active" in out
    assert "edited" in out.split("night 1:")[-1]
    demo = tmp_path / "demo"
    assert (demo / "ministry-watch.sqlite3").exists()
    assert list((demo / "outbox").glob("*.eml"))
    assert f"MINISTRY_WATCH_DATA_DIR={demo}" in out
    leftovers = {p.pid for p in psutil.Process().children(recursive=True)} - before
    assert leftovers == set()
