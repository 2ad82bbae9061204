"""The alert stage against a real SMTP server: exactly the expected mails, nothing twice,
nothing lost while SMTP is down, failures reported after the last attempt."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from pipeline.alerting import alert_run
from pipeline.mail.transport import (
    EmlDirectoryTransport,
    airflow_smtp_connection,
    load_transport,
    parse_smtp_url,
)
from storage.db import transaction
from storage.models import Alert
from storage.runs import get_run
from tests.alert_helpers import (
    Edit,
    SmtpServer,
    open_empty_run,
    record_edit,
    record_kind,
    subscriptions,
)

NIGHT = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
SEED_OLD = (
    "Good afternoon.\nWe regard this visit as yet another poof of our support for Armenia.\n"
    "Thank you."
)
TYPO = Edit("1950123", "en", SEED_OLD, SEED_OLD.replace("poof", "proof"),
            old_title="Foreign Minister Sergey Lavrov's remarks")
APPENDED = Edit("g0", "ru", "Первый абзац.", "Первый абзац.\nНовый абзац о переговорах.",
                old_title="Заявление МИД России", significance="substantive")
COSMETIC = Edit("g1", "en", "Text with a  space.", "Text with a space.", significance="cosmetic")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def night_with_edits(engine: Engine, run_key: str = "night-1") -> dict[str, int]:
    return {
        "typo": record_edit(engine, run_key, TYPO),
        "appended": record_edit(engine, run_key, APPENDED),
        "cosmetic": record_edit(engine, run_key, COSMETIC),
    }


RECIPIENTS = (
    {"email": "alice@example.org"},
    {"email": "bob@example.org", "mode": "digest", "min_significance": "cosmetic"},
    {"email": "carol@example.org", "keywords": ["armenia"]},
    {"email": "dave@example.org", "langs": ["de"]},
)


def test_a_night_with_edits_sends_exactly_the_expected_mails(
    engine: Engine, smtp: SmtpServer
) -> None:
    night_with_edits(engine)
    result = alert_run(engine, "night-1", subscriptions=subscriptions(*RECIPIENTS),
                       transport=parse_smtp_url(smtp.url), now=NIGHT)

    received = {(str(m["To"]), str(m["Subject"])) for m in smtp.mailbox.messages}
    assert received == {
        ("alice@example.org",
         "[ministry-watch] edited (en): Foreign Minister Sergey Lavrov's remarks"),
        ("alice@example.org", "[ministry-watch] edited (ru): Заявление МИД России"),
        ("bob@example.org", "[ministry-watch] digest: 3 changes in 3 statements"),
        ("carol@example.org",
         "[ministry-watch] edited (en): Foreign Minister Sergey Lavrov's remarks"),
    }
    assert len(smtp.mailbox.messages) == 4
    assert len({str(m["Message-ID"]) for m in smtp.mailbox.messages}) == 4
    digest = smtp.mailbox.by_recipient()["bob@example.org"][0]
    digest_text = digest.get_body(("plain",)).get_content()
    for title in ("Foreign Minister Sergey Lavrov's remarks", "Заявление МИД России",
                  "Statement by the Foreign Ministry"):
        assert title in digest_text
    assert (result.queued, result.sent, result.messages, result.pending) == (6, 6, 4, 0)
    with transaction(engine) as session:
        assert get_run(session, "night-1").counts["alert"] == result.counts()


def test_a_noise_only_night_sends_nothing(engine: Engine, smtp: SmtpServer) -> None:
    record_edit(engine, "night-2", COSMETIC)
    rebuilt = Edit("g5", "en", "Old extraction.", "Better extraction.", rebuilt=True,
                   significance="substantive")
    record_edit(engine, "night-2", rebuilt)
    open_empty_run(engine, "night-3")
    recipients = subscriptions({"email": "alice@example.org", "kinds": ["edited", "created"]})
    for run_key in ("night-2", "night-3"):
        result = alert_run(engine, run_key, subscriptions=recipients,
                           transport=parse_smtp_url(smtp.url), now=NIGHT)
        assert (result.queued, result.sent, result.pending) == (0, 0, 0)
    assert smtp.mailbox.messages == []


def test_running_the_stage_twice_delivers_nothing_twice(engine: Engine, smtp: SmtpServer) -> None:
    night_with_edits(engine)
    settings = subscriptions(*RECIPIENTS)
    first = alert_run(engine, "night-1", subscriptions=settings,
                      transport=parse_smtp_url(smtp.url), now=NIGHT)
    second = alert_run(engine, "night-1", subscriptions=settings,
                       transport=parse_smtp_url(smtp.url), now=NIGHT + timedelta(days=1))
    assert first.messages == 4
    assert (second.queued, second.sent, second.messages) == (0, 0, 0)
    assert len(smtp.mailbox.messages) == 4


def test_smtp_down_keeps_alerts_pending_and_delivers_each_once_when_back(engine: Engine) -> None:
    night_with_edits(engine)
    settings = subscriptions(*RECIPIENTS, delivery={"backoff_minutes": 10})
    server = SmtpServer()
    transport = parse_smtp_url(server.url)

    down = alert_run(engine, "night-1", subscriptions=settings, transport=transport, now=NIGHT)
    assert (down.queued, down.sent, down.failed, down.pending) == (6, 0, 0, 6)
    assert down.errors and all("127.0.0.1" in e for e in down.errors)
    with transaction(engine) as session:
        alerts = list(session.scalars(select(Alert)))
        assert {(a.status, a.attempts) for a in alerts} == {("pending", 1)}
        assert all(a.last_error and a.next_attempt_at == NIGHT + timedelta(minutes=10)
                   for a in alerts)
        assert get_run(session, "night-1").counts["alert"]["pending"] == 6

    server.start()
    try:
        early = alert_run(engine, "night-1", subscriptions=settings, transport=transport,
                          now=NIGHT + timedelta(minutes=5))
        assert (early.sent, early.pending) == (0, 6)
        assert server.mailbox.messages == []
        back = alert_run(engine, "night-1", subscriptions=settings, transport=transport,
                         now=NIGHT + timedelta(minutes=11))
        again = alert_run(engine, "night-1", subscriptions=settings, transport=transport,
                          now=NIGHT + timedelta(hours=5))
    finally:
        server.stop()
    assert (back.sent, back.messages, back.pending) == (6, 4, 0)
    assert (again.sent, again.messages) == (0, 0)
    assert len(server.mailbox.messages) == 4
    with transaction(engine) as session:
        alerts = list(session.scalars(select(Alert)))
        assert {(a.status, a.attempts, a.last_error) for a in alerts} == {("sent", 2, None)}


def test_after_the_last_attempt_an_alert_is_failed_and_in_the_run_report(engine: Engine) -> None:
    change_id = record_edit(engine, "night-1", TYPO)
    settings = subscriptions({"email": "alice@example.org"},
                             delivery={"max_attempts": 3, "backoff_minutes": 1})
    server = SmtpServer()
    transport = parse_smtp_url(server.url)
    results = [
        alert_run(engine, "night-1", subscriptions=settings, transport=transport,
                  now=NIGHT + timedelta(minutes=minutes))
        for minutes in (0, 1, 3)
    ]
    assert [(r.failed, r.pending) for r in results] == [(0, 1), (0, 1), (1, 0)]
    failure = results[-1].failures[0]
    assert (failure.change_id, failure.recipient, failure.attempts) == (
        change_id, "alice@example.org", 3)
    assert "ConnectionRefusedError" in (failure.error or "")
    with transaction(engine) as session:
        run = get_run(session, "night-1")
        assert [e["recipient"] for e in run.errors if e["stage"] == "alert"] == [
            "alice@example.org"]
        assert run.counts["alert"]["failed"] == 1
    server.start()
    try:
        later = alert_run(engine, "night-1", subscriptions=settings, transport=transport,
                          now=NIGHT + timedelta(days=2))
    finally:
        server.stop()
    assert later.sent == 0 and server.mailbox.messages == []
    assert later.failures == results[-1].failures


def test_pending_alerts_of_an_earlier_run_are_sent_by_the_next_run(engine: Engine) -> None:
    record_edit(engine, "night-1", TYPO)
    settings = subscriptions({"email": "alice@example.org"}, delivery={"backoff_minutes": 1})
    server = SmtpServer()
    transport = parse_smtp_url(server.url)
    alert_run(engine, "night-1", subscriptions=settings, transport=transport, now=NIGHT)
    record_edit(engine, "night-2", APPENDED)
    server.start()
    try:
        result = alert_run(engine, "night-2", subscriptions=settings, transport=transport,
                           now=NIGHT + timedelta(days=1))
    finally:
        server.stop()
    assert (result.queued, result.sent, result.pending) == (1, 2, 0)
    languages = sorted(str(m["Subject"]).split("(")[1][:2] for m in server.mailbox.messages)
    assert languages == ["en", "ru"]


def test_without_smtp_alerts_become_eml_files_once(engine: Engine, tmp_path) -> None:
    night_with_edits(engine)
    transport = load_transport(smtp_url="", outbox_dir=tmp_path / "outbox")
    assert isinstance(transport, EmlDirectoryTransport)
    settings = subscriptions(*RECIPIENTS)
    alert_run(engine, "night-1", subscriptions=settings, transport=transport, now=NIGHT)
    alert_run(engine, "night-1", subscriptions=settings, transport=transport,
              now=NIGHT + timedelta(days=1))
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 4
    assert all(f.read_bytes().startswith(b"From: ministry-watch <alerts@example.org>")
               for f in files)


def test_the_airflow_smtp_default_connection_delivers(
    engine: Engine, smtp: SmtpServer, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW_HOME", str(tmp_path / "airflow"))
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps({
        "conn_type": "smtp", "host": "127.0.0.1", "port": smtp.port,
        "extra": {"disable_ssl": True, "disable_tls": True},
    }))
    connection = airflow_smtp_connection()
    assert airflow_smtp_connection("no_such_connection") is None
    record_edit(engine, "night-1", TYPO)
    transport = load_transport(airflow_connection=connection, smtp_url="smtp://unused:1")
    assert transport.describe() == f"smtp://127.0.0.1:{smtp.port} (tls=none)"
    result = alert_run(engine, "night-1", subscriptions=subscriptions({"email": "a@example.org"}),
                       transport=transport, now=NIGHT)
    assert result.sent == 1
    assert [str(m["To"]) for m in smtp.mailbox.messages] == ["a@example.org"]


def test_removals_and_new_translations_are_mailed_first_sightings_only_when_asked(
    engine: Engine, smtp: SmtpServer
) -> None:
    for source_id, kind in (("g5", "removed"), ("g7", "translation_added"), ("n1", "created")):
        record_kind(engine, "night-2", "testbed", source_id, "en", kind, title=f"Item {source_id}")
    settings = subscriptions(
        {"email": "alice@example.org"},
        {"email": "newsroom@example.org", "kinds": ["created"]},
    )
    alert_run(engine, "night-2", subscriptions=settings, transport=parse_smtp_url(smtp.url),
              now=NIGHT)
    assert sorted((str(m["To"]), str(m["Subject"])) for m in smtp.mailbox.messages) == [
        ("alice@example.org", "[ministry-watch] removed (en): Item g5"),
        ("alice@example.org", "[ministry-watch] translation added (en): Item g7"),
        ("newsroom@example.org", "[ministry-watch] new statement (en): Item n1"),
    ]


def test_two_passes_at_once_deliver_each_alert_once(engine: Engine, smtp: SmtpServer) -> None:
    night_with_edits(engine)
    settings = subscriptions(*RECIPIENTS)
    barrier = threading.Barrier(2)
    results = []

    def one_pass() -> None:
        barrier.wait()
        results.append(alert_run(engine, "night-1", subscriptions=settings,
                                 transport=parse_smtp_url(smtp.url), now=NIGHT))

    threads = [threading.Thread(target=one_pass) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 2
    assert sum(r.messages for r in results) == 4
    assert len(smtp.mailbox.messages) == 4
    assert len({str(m["Message-ID"]) for m in smtp.mailbox.messages}) == 4


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_smtp_url_logs_in_with_its_user_and_password(engine: Engine) -> None:
    server = SmtpServer(login=("mailer", "s3cret/pass")).start()
    try:
        record_edit(engine, "night-1", TYPO)
        settings = subscriptions({"email": "a@example.org"})
        wrong = parse_smtp_url(f"smtp://mailer:nope@127.0.0.1:{server.port}")
        refused = alert_run(engine, "night-1", subscriptions=settings, transport=wrong, now=NIGHT)
        right = parse_smtp_url(f"smtp://mailer:s3cret%2Fpass@127.0.0.1:{server.port}?tls=none")
        accepted = alert_run(engine, "night-1", subscriptions=settings, transport=right,
                             now=NIGHT + timedelta(days=1))
    finally:
        server.stop()
    assert refused.sent == 0 and "SMTPAuthenticationError" in refused.errors[0]
    assert accepted.sent == 1
    assert set(server.logins) == {"mailer"}
    assert [str(m["To"]) for m in server.mailbox.messages] == ["a@example.org"]
