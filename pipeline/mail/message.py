"""Alert messages: subject, text part, HTML part with the edit inline, stable Message-ID.

Everything that came from a scraped page goes through Jinja autoescaping in the HTML part,
so a page cannot put markup or script into a mail.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from pipeline.mail.edits import blocks_as_text, edit_blocks, inline_blocks
from pipeline.mail.headers import ALERT_POLICY
from pipeline.mail.view import ChangeView
from storage.types import utcnow

WEB_URL_VARIABLE = "MINISTRY_WATCH_WEB_URL"
DEFAULT_WEB_URL = "http://127.0.0.1:8000"
SUBJECT_PREFIX = "[ministry-watch]"
SUBJECT_TITLE_CHARS = 90
INS_STYLE = "background-color:#d3f5d3;color:#0a4d12;text-decoration:underline;"
DEL_STYLE = "background-color:#fbd5d5;color:#8a1010;text-decoration:line-through;"
TEMPLATES = Path(__file__).parent / "templates"

WHAT = {
    "created": "new statement",
    "edited": "edited",
    "removed": "removed",
    "restored": "restored",
    "translation_added": "translation added",
}
NOTES = {
    "created": "First seen by ministry-watch.",
    "removed": "The page no longer carries this statement; its last version is kept.",
    "restored": "The statement is back on the page.",
    "translation_added": "A new language edition of this statement was published.",
}
LANGUAGES = {
    "ar": "Arabic", "de": "German", "en": "English", "es": "Spanish", "fr": "French",
    "ru": "Russian", "zh": "Chinese", "pt": "Portuguese", "it": "Italian", "tr": "Turkish",
}


def web_base_url() -> str:
    return (os.environ.get(WEB_URL_VARIABLE) or DEFAULT_WEB_URL).rstrip("/")


def page_url(view: ChangeView, base: str) -> str:
    return f"{base}/statements/{quote(view.site)}/{quote(view.source_id)}"


def diff_url(view: ChangeView, base: str) -> str | None:
    if view.from_seq is None or view.to_seq is None:
        return None
    return f"{page_url(view, base)}/{quote(view.lang)}/diff?from={view.from_seq}&to={view.to_seq}"


def message_id(change_id: int, recipient: str, sender: str) -> str:
    return f"<alert.{change_id}.{_digest_of(recipient)}@{_domain(sender)}>"


def digest_message_id(run_key: str, recipient: str, sender: str) -> str:
    return f"<digest.{_digest_of(run_key)}.{_digest_of(recipient)}@{_domain(sender)}>"


def change_subject(view: ChangeView) -> str:
    return f"{SUBJECT_PREFIX} {WHAT[view.kind]} ({view.lang}): {_shorten(view.title)}"


def digest_subject(views: Sequence[ChangeView]) -> str:
    statements = {(v.site, v.source_id) for v in views}
    changes = f"{len(views)} change{'s' if len(views) != 1 else ''}"
    if len(statements) == 1:
        return f"{SUBJECT_PREFIX} digest: {changes} to {_shorten(views[0].title)}"
    return f"{SUBJECT_PREFIX} digest: {changes} in {len(statements)} statements"


def build_change_message(
    view: ChangeView, recipient: str, sender: str, web_url: str | None = None,
    now: datetime | None = None,
) -> EmailMessage:
    """One mail about one change."""
    subject = change_subject(view)
    context = {
        "item": _item(view, web_url or web_base_url()),
        "heading": WHAT[view.kind],
        "page_lang": view.lang,
    }
    return _message(
        "change", context, subject, recipient, sender,
        message_id(view.change_id, recipient, sender), now,
    )


def build_digest_message(
    views: Sequence[ChangeView], run_key: str, recipient: str, sender: str,
    web_url: str | None = None, now: datetime | None = None,
) -> EmailMessage:
    """One mail about every change of a run that `recipient` follows."""
    if not views:
        raise ValueError("a digest needs at least one change")
    base = web_url or web_base_url()
    context = {
        "items": [_item(v, base) for v in views],
        "run_key": run_key,
        "heading": "digest",
        "page_lang": views[0].lang if len({v.lang for v in views}) == 1 else "",
    }
    return _message(
        "digest", context, digest_subject(views), recipient, sender,
        digest_message_id(run_key, recipient, sender), now,
    )


def _message(
    template: str, context: dict[str, Any], subject: str, recipient: str, sender: str,
    msg_id: str, now: datetime | None,
) -> EmailMessage:
    context = {**context, "recipient": recipient, "subject": subject,
               "ins_style": INS_STYLE, "del_style": DEL_STYLE}
    message = EmailMessage(policy=ALERT_POLICY)
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(now or utcnow())
    message["Message-ID"] = msg_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_render(f"{template}.txt", context), charset="utf-8")
    message.add_alternative(_render(f"{template}.html", context), subtype="html", charset="utf-8")
    return message


def _item(view: ChangeView, base: str) -> dict[str, Any]:
    title_blocks = (
        inline_blocks(view.old_title or "", view.new_title or "") if view.title_changed else []
    )
    body_blocks = edit_blocks(view.old_body or "", view.new_body or "") if view.body_changed else []
    note = NOTES.get(view.kind)
    if view.kind == "edited" and not title_blocks and not body_blocks:
        note = f"Changed: {', '.join(view.fields) or 'metadata'}."
    return {
        "view": view,
        "what": WHAT[view.kind],
        "language": f"{LANGUAGES.get(view.lang, view.lang)} ({view.lang})",
        "detected": view.detected_at.strftime("%Y-%m-%d %H:%M UTC"),
        "figures": _figures(view),
        "title_blocks": title_blocks,
        "body_blocks": body_blocks,
        "title_text": blocks_as_text(title_blocks),
        "body_text": blocks_as_text(body_blocks),
        "note": note,
        "page_url": page_url(view, base),
        "diff_url": diff_url(view, base),
    }


def _figures(view: ChangeView) -> str:
    if view.kind != "edited" or view.old_body is None or view.new_body is None:
        return ""
    return f"version {view.from_seq} → {view.to_seq}"


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _render(name: str, context: dict[str, Any]) -> str:
    return _environment().get_template(name).render(context)


def _shorten(text: str, limit: int = SUBJECT_TITLE_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _digest_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"
