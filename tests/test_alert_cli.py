"""`ministry-watch alert` as a process: sends, repeats nothing, refuses bad input with exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from storage.db import transaction
from storage.models import Alert
from tests.alert_helpers import Edit, SmtpServer, record_edit

GOOD = "sender: ministry-watch <alerts@example.org>\nrecipients:\n  - email: desk@example.org\n"
BAD = GOOD + "  - email: analyst@example.org\n    kinds: [edited, renamed]\n"
EDIT = Edit("1950123", "en", "Yet another poof of support.", "Yet another proof of support.")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def alert_cli(
    db_url: str, tmp_path: Path, *args: str, smtp_url: str = "", subscriptions: str = GOOD
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "alerts.yaml"
    path.write_text(subscriptions, encoding="utf-8")
    env = {
        **os.environ,
        "MINISTRY_WATCH_DATABASE_URL": db_url,
        "MINISTRY_WATCH_DATA_DIR": str(tmp_path / "data"),
        "MINISTRY_WATCH_SMTP_URL": smtp_url,
        "MINISTRY_WATCH_ALERTS": str(path),
    }
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "alert", *args],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def alert_rows(engine: Engine) -> int:
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(Alert)) or 0


def test_alert_sends_once_over_smtp(
    engine: Engine, db_url: str, tmp_path: Path, smtp: SmtpServer
) -> None:
    record_edit(engine, "night-1", EDIT)
    first = alert_cli(db_url, tmp_path, "--run", "night-1", smtp_url=smtp.url)
    second = alert_cli(db_url, tmp_path, "--run", "night-1", smtp_url=smtp.url)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("run night-1: 1 queued, 1 sent in 1 mail(s) via smtp://127.0.0.1")
    assert second.stdout.startswith("run night-1: 0 queued, 0 sent in 0 mail(s)")
    assert [str(m["To"]) for m in smtp.mailbox.messages] == ["desk@example.org"]


def test_a_wrong_subscriptions_file_exits_2_and_sends_nothing(
    engine: Engine, db_url: str, tmp_path: Path, smtp: SmtpServer
) -> None:
    record_edit(engine, "night-1", EDIT)
    done = alert_cli(db_url, tmp_path, "--run", "night-1", smtp_url=smtp.url, subscriptions=BAD)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"ministry-watch: error: {tmp_path / 'alerts.yaml'}: recipients[1] (analyst@example.org):"
        " kinds: unknown change kind 'renamed'; use created, edited, removed, restored,"
        " translation_added\n"
    )
    assert alert_rows(engine) == 0
    assert smtp.mailbox.messages == []


@pytest.mark.parametrize(
    ("args", "smtp_url", "error"),
    [
        (("--run", "no-such-run"), "", "no run with key 'no-such-run'"),
        (("--run", "night-1"), "http://mail.example:25", "MINISTRY_WATCH_SMTP_URL is not an smtp"),
        (("--run", "night-1"), "smtp://127.0.0.1:25?tls=maybe", "tls='maybe'; use one of"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    engine: Engine, db_url: str, tmp_path: Path, args: tuple[str, ...], smtp_url: str, error: str
) -> None:
    record_edit(engine, "night-1", EDIT)
    done = alert_cli(db_url, tmp_path, *args, smtp_url=smtp_url)
    assert done.returncode == 2
    assert error in done.stderr and done.stderr.count("\n") == 1
    assert alert_rows(engine) == 0


def test_without_smtp_the_mail_is_an_eml_file_in_the_data_dir(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    record_edit(engine, "night-1", EDIT)
    done = alert_cli(db_url, tmp_path, "--run", "night-1", "--json")
    assert done.returncode == 0, done.stderr
    assert '"sent": 1' in done.stdout
    [eml] = (tmp_path / "data" / "outbox").glob("*.eml")
    assert b"Subject: [ministry-watch] edited (en): Statement by the Foreign Ministry" in (
        eml.read_bytes())
