"""Reading MINISTRY_WATCH_SMTP_URL and choosing the transport."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.mail.transport import (
    EmlDirectoryTransport,
    SmtpTransport,
    load_transport,
    parse_smtp_url,
)
from storage.errors import ConfigError


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example", SmtpTransport("mail.example", 25, "none")),
        ("smtp://mail.example?tls=starttls", SmtpTransport("mail.example", 587, "starttls")),
        ("smtps://mail.example", SmtpTransport("mail.example", 465, "ssl")),
        ("smtp://u%40x:p%3Aw@mail.example:2525?tls=ssl",
         SmtpTransport("mail.example", 2525, "ssl", "u@x", "p:w")),
    ],
)
def test_smtp_urls(url: str, expected: SmtpTransport) -> None:
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mail.example:25", "is not an smtp:// or smtps:// URL with a host"),
        ("smtp://", "is not an smtp:// or smtps:// URL with a host"),
        ("smtp://mail.example?tls=yes", "tls='yes'; use one of none, starttls, ssl"),
        ("smtp://mail.example?timeout=5", "unknown option 'timeout'"),
        ("smtp://mail.example:port", "the port is not a number"),
    ],
)
def test_wrong_smtp_urls_name_the_variable_and_the_reason(url: str, reason: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_smtp_url(url)
    assert str(raised.value).startswith("MINISTRY_WATCH_SMTP_URL")
    assert reason in str(raised.value)


def test_without_a_url_mail_goes_to_the_data_dir_outbox(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("MINISTRY_WATCH_SMTP_URL", raising=False)
    monkeypatch.setenv("MINISTRY_WATCH_DATA_DIR", str(tmp_path))
    assert load_transport() == EmlDirectoryTransport(tmp_path / "outbox")
    monkeypatch.setenv("MINISTRY_WATCH_SMTP_URL", "smtp://127.0.0.1:2525")
    assert load_transport() == SmtpTransport("127.0.0.1", 2525)
