"""End to end over the testbed's nights: crawl → normalise → diff, then the alert stage to a
real SMTP server; the mails match the truth JSON and the noise-only night sends none."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from pipeline.alerting import alert_run
from pipeline.mail.transport import parse_smtp_url
from pipeline.run import PipelineOptions, run_pipeline
from testbed.server import serve_in_thread
from tests.alert_helpers import SmtpServer, subscriptions

pytestmark = pytest.mark.slow

SEED = "1950123"
NIGHT = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
RECIPIENTS = subscriptions(
    {"email": "alice@example.org"},
    {"email": "bob@example.org", "mode": "digest", "langs": ["en"]},
    {"email": "carol@example.org", "statements": [SEED]},
)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def crawl_night(engine: Engine, base_url: str, night: int) -> str:
    run_key = f"testbed:alert-night-{night}"
    run_pipeline(engine, "testbed", run_key,
                 PipelineOptions(base_url=base_url, polite=False, recheck_all=True, alerts=False))
    return run_key


def expected(truths: dict[int, dict], night: int) -> set[tuple[str, str]]:
    """(kind, source_id/lang) a default recipient is mailed about after crawling `night`:
    the night's edits, restorations and new translations, and the removals of the night
    before (a disappearance is confirmed by the next crawl)."""
    def editions(night_: int, kinds: tuple[str, ...]) -> set[tuple[str, str]]:
        return {(c["kind"], f"{c['source_id']}/{c['lang']}")
                for c in truths[night_]["changes"] if c["kind"] in kinds}

    confirmed = editions(night - 1, ("removed",)) if night > 0 else set()
    return editions(night, ("edited", "restored", "translation_added")) | confirmed


def test_the_nights_mail_what_the_truth_says_and_nothing_for_noise(
    engine: Engine, smtp: SmtpServer
) -> None:
    transport = parse_smtp_url(smtp.url)
    sent: dict[int, list] = {}
    truths: dict[int, dict] = {}
    with serve_in_thread(port=0, statements=10, night=0) as testbed:
        for night in range(4):
            testbed.set_night(night)
            run_key = crawl_night(engine, testbed.base_url, night)
            before = len(smtp.mailbox.messages)
            alert_run(engine, run_key, subscriptions=RECIPIENTS, transport=transport,
                      now=NIGHT + timedelta(days=night))
            sent[night] = smtp.mailbox.messages[before:]
            truths[night] = testbed.truth(night)
    assert sent[0] == [], "first sightings (`created`) are not mailed by default"
    assert truths[3]["changes"] == [] and truths[3]["noise"]
    for night in (1, 2, 3):
        alice = {(_kind(m), _edition(m)) for m in sent[night]
                 if str(m["To"]) == "alice@example.org"}
        assert alice == expected(truths, night), night
        english = sorted(e for _, e in expected(truths, night) if e.endswith("/en"))
        [digest] = [m for m in sent[night] if str(m["To"]) == "bob@example.org"]
        assert sorted(_digest_editions(digest)) == english
    assert {k for k, _ in expected(truths, 3)} == {"removed"}, "noise raises no edit on night 3"
    assert len(sent[1]) == len(expected(truths, 1)) + 2
    [typo] = [m for m in sent[1] if str(m["To"]) == "carol@example.org"]
    assert str(typo["Subject"]).startswith("[ministry-watch] edited (en): Statement by")
    assert "[-poof-]{+proof+}" in _text(typo)
    assert ">poof</del><ins" in typo.get_body(("html",)).get_content()


def _text(message) -> str:  # type: ignore[no-untyped-def]
    return message.get_body(("plain",)).get_content()


def _kind(message) -> str:  # type: ignore[no-untyped-def]
    return str(message["Subject"]).split("] ", 1)[1].split(" (", 1)[0].replace(" ", "_")


def _edition(message) -> str:  # type: ignore[no-untyped-def]
    lang = str(message["Subject"]).split("(", 1)[1][:2]
    page = next(line for line in _text(message).splitlines() if line.startswith("Page on"))
    source_id = page.rstrip("/").rsplit("/", 1)[1]
    return f"{source_id}/{lang}"


def _digest_editions(message) -> list[str]:  # type: ignore[no-untyped-def]
    """source_id/lang of each change in a digest, from its `Page on` links."""
    pages = [line for line in _text(message).splitlines() if line.startswith("Page on")]
    return [f"{p.rstrip('/').rsplit('/', 1)[1]}/{p.split('/')[3]}" for p in pages]
