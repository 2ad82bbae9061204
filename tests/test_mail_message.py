"""Alert messages: escaping of scraped text, RFC 2047 subjects, the edit inline, links, ids."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import EmailMessage
from html.parser import HTMLParser

import pytest
from sqlalchemy import Engine

from pipeline.alerting import alert_run
from pipeline.mail.edits import edit_blocks, whole_words
from pipeline.mail.message import (
    DEL_STYLE,
    INS_STYLE,
    build_change_message,
    build_digest_message,
    digest_message_id,
    message_id,
)
from pipeline.mail.transport import parse_smtp_url
from pipeline.mail.view import ChangeView
from pipeline.textdiff import DELETE, EQUAL, INSERT, diff_ops
from tests.alert_helpers import Edit, SmtpServer, record_edit, subscriptions

NIGHT = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
SENDER = "ministry-watch <alerts@example.org>"
HOSTILE_TITLE = 'Talks <script>alert("x")</script> &amp; A&B: 5 > 3 &#169;'


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


def parts(message: EmailMessage) -> tuple[str, str]:
    return (message.get_body(("plain",)).get_content(),
            message.get_body(("html",)).get_content())


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def view(**changes: object) -> ChangeView:
    old = "Opening words.\nWe regard this visit as yet another poof of our support.\nClosing."
    values: dict[str, object] = dict(
        change_id=41, site="testbed", source_id="1950123", lang="en", kind="edited",
        significance="minor", fields=("body",), url="http://127.0.0.1:9/en/1950123/",
        detected_at=NIGHT, title="Remarks", old_title="Remarks", new_title="Remarks",
        old_body=old, new_body=old.replace("poof", "proof"), from_seq=1, to_seq=2,
        rebuilt=False,
    )
    values.update(changes)
    return ChangeView(**values)  # type: ignore[arg-type]


def test_scraped_markup_arrives_escaped_in_html_and_readable_in_text(
    engine: Engine, smtp: SmtpServer
) -> None:
    record_edit(engine, "night-1", Edit(
        "q7x2", "en", "Before <b>bold</b> & after.", "Before <b>bold</b> & <img src=x> after.",
        old_title=HOSTILE_TITLE,
    ))
    alert_run(engine, "night-1", subscriptions=subscriptions({"email": "a@example.org"}),
              transport=parse_smtp_url(smtp.url), now=NIGHT)
    [message] = smtp.mailbox.messages
    text, html = parts(message)
    elements = parsed(html)
    assert {tag for tag, _ in elements.tags} <= {
        "html", "head", "meta", "title", "body", "div", "p", "h2", "strong", "a", "ins", "del",
        "span"}
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html
    assert HOSTILE_TITLE in "".join(elements.text)
    assert f"EDITED: {HOSTILE_TITLE}" in text
    assert "Before <b>bold</b> &{+ <img src=x>+} after." in text
    assert str(message["Subject"]) == f"[ministry-watch] edited (en): {HOSTILE_TITLE}"


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("ru", "Заявление МИД России о переговорах с Арменией по вопросам двустороннего "
               "сотрудничества"),
        ("ar", "بيان وزارة الخارجية الروسية بشأن المحادثات مع الجانب الأرميني"),
    ],
)
def test_cyrillic_and_arabic_subjects_decode(
    engine: Engine, smtp: SmtpServer, lang: str, title: str
) -> None:
    record_edit(engine, "night-1", Edit("g0", lang, "Один.", "Два.", old_title=title))
    alert_run(engine, "night-1", subscriptions=subscriptions({"email": "a@example.org"}),
              transport=parse_smtp_url(smtp.url), now=NIGHT)
    [message] = smtp.mailbox.messages
    expected = f"[ministry-watch] edited ({lang}): {title}"
    assert str(message["Subject"]) == expected
    raw = message.as_bytes()
    assert raw.isascii()
    folded = message_from_bytes(raw)["Subject"]
    assert all(len(line) <= 78 for line in f"Subject: {folded}".splitlines())
    assert str(make_header(decode_header(re.sub(r"\r?\n", "", folded)))) == expected
    assert title in parts(message)[0]


def test_the_html_part_shows_the_edit_inline_with_styles_and_links() -> None:
    message = build_change_message(view(), "a@example.org", SENDER,
                                   web_url="http://web.example:8000", now=NIGHT)
    text, html = parts(message)
    assert f'<del style="{DEL_STYLE}">poof</del><ins style="{INS_STYLE}">proof</ins>' in html
    assert "another [-poof-]{+proof+} of our" in text
    assert "[1 unchanged paragraph]" in text and "[1 unchanged paragraph]" in html
    assert "Opening words." not in text
    assert 'href="http://web.example:8000/statements/testbed/1950123"' in html
    assert ('href="http://web.example:8000/statements/testbed/1950123/en/diff?from=1&amp;to=2"'
            in html)
    assert "http://web.example:8000/statements/testbed/1950123/en/diff?from=1&to=2" in text
    assert '<html lang="en">' in html
    assert message.get_content_type() == "multipart/alternative"
    assert {p.get_content_charset() for p in message.iter_parts()} == {"utf-8"}


def test_long_unchanged_stretches_around_an_edit_are_elided() -> None:
    before = " ".join(f"word{i}" for i in range(300))
    after = " ".join(f"tail{i}" for i in range(300))
    old = f"{before} the old phrase {after}"
    [block] = edit_blocks(old, old.replace("old phrase", "new phrase"))
    kinds = [s.kind for s in block.segments]
    assert kinds == ["elided", "equal", "delete", "insert", "equal", "elided"]
    shown = "".join(s.text for s in block.segments)
    assert len(shown) < 400
    assert "word299 the " in shown and " phrase tail0" in shown


def test_edits_are_widened_to_whole_words() -> None:
    assert diff_ops("a poof of", "a proof of") != whole_words(diff_ops("a poof of", "a proof of"))
    assert whole_words(diff_ops("a poof of", "a proof of")) == [
        (EQUAL, "a "), (DELETE, "poof"), (INSERT, "proof"), (EQUAL, " of")]
    assert whole_words(diff_ops("one two", "one two three")) == [
        (EQUAL, "one two"), (INSERT, " three")]


def test_message_ids_derive_from_change_or_run_and_recipient() -> None:
    first = build_change_message(view(), "a@example.org", SENDER, now=NIGHT)
    again = build_change_message(view(), "a@example.org", SENDER, now=NIGHT)
    assert first["Message-ID"] == again["Message-ID"] == message_id(41, "a@example.org", SENDER)
    assert message_id(41, "b@example.org", SENDER) != message_id(41, "a@example.org", SENDER)
    assert message_id(42, "a@example.org", SENDER) != message_id(41, "a@example.org", SENDER)
    assert re.fullmatch(r"<alert\.41\.[0-9a-f]{16}@example\.org>", str(first["Message-ID"]))
    digest = build_digest_message([view(), view(change_id=42, lang="ru")], "night-1",
                                  "a@example.org", SENDER, now=NIGHT)
    assert digest["Message-ID"] == digest_message_id("night-1", "a@example.org", SENDER)
    assert digest_message_id("night-2", "a@example.org", SENDER) != digest["Message-ID"]
    assert str(digest["Subject"]) == "[ministry-watch] digest: 2 changes to Remarks"


@pytest.mark.parametrize(
    ("kind", "phrase"),
    [("removed", "no longer carries"), ("restored", "back on the page"),
     ("translation_added", "new language edition")],
)
def test_changes_without_an_edit_say_what_happened(kind: str, phrase: str) -> None:
    message = build_change_message(
        view(kind=kind, old_body=None, new_title=None, from_seq=None, to_seq=None),
        "a@example.org", SENDER, now=NIGHT)
    text, html = parts(message)
    assert phrase in text and phrase in html
    assert "/diff?" not in text
    assert str(message["Subject"]).startswith(f"[ministry-watch] {kind.replace('_', ' ')} (en)")
