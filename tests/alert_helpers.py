"""Shared by the alert tests: a real SMTP server (aiosmtpd) on 127.0.0.1 and changes written
through the storage functions."""

from __future__ import annotations

import hashlib
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import Engine

from pipeline.subscriptions import Recipient, Subscriptions
from storage.changes import ChangeData, add_change
from storage.db import transaction
from storage.runs import open_run
from storage.statements import get_or_create_edition, get_or_create_statement
from storage.versions import VersionAdded, VersionContent, add_version


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def by_recipient(self) -> dict[str, list[EmailMessage]]:
        found: dict[str, list[EmailMessage]] = {}
        for message in self.messages:
            found.setdefault(str(message["To"]), []).append(message)
        return found


class SmtpServer:
    """A real SMTP server on 127.0.0.1 at `port` (a free one by default), started and stopped
    explicitly so a test can take it down and bring it back."""

    def __init__(self, port: int | None = None, login: tuple[str, str] | None = None) -> None:
        self.port = port or free_port()
        self.mailbox = Mailbox()
        self.login = login
        self.logins: list[str] = []
        self._controller: Controller | None = None

    def _authenticate(  # type: ignore[no-untyped-def]
        self, server, session, envelope, mechanism, auth_data
    ) -> AuthResult:
        user, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append(user)
        return AuthResult(success=(user, password) == self.login, handled=False)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?tls=none"

    def start(self) -> SmtpServer:
        options = (
            {"authenticator": self._authenticate, "auth_require_tls": False,
             "auth_required": True}  # plain-text AUTH on 127.0.0.1 only
            if self.login else {}
        )
        self._controller = Controller(
            self.mailbox, hostname="127.0.0.1", port=self.port, **options
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@dataclass(frozen=True)
class Edit:
    source_id: str
    lang: str
    old_body: str
    new_body: str
    old_title: str = "Statement by the Foreign Ministry"
    new_title: str | None = None
    significance: str = "minor"
    site: str = "testbed"
    rebuilt: bool = False


def record_edit(engine: Engine, run_key: str, edit: Edit, base_run: str = "base") -> int:
    """Version 1 in run `base_run`, version 2 and an `edited` change in `run_key`; returns the
    change id."""
    new_title = edit.new_title if edit.new_title is not None else edit.old_title
    with transaction(engine) as session:
        base = open_run(session, base_run, edit.site)
        run = open_run(session, run_key, edit.site)
        statement = get_or_create_statement(session, edit.site, edit.source_id)
        edition, _ = get_or_create_edition(
            session, statement, edit.lang, f"http://127.0.0.1:9/{edit.lang}/{edit.source_id}/"
        )
        add_version(session, edition.id, _content(edit.old_title, edit.old_body), None)
        added = add_version(
            session, edition.id, _content(new_title, edit.new_body), None, rebuilt=edit.rebuilt
        )
        assert isinstance(added, VersionAdded) and added.previous is not None
        assert base.id != run.id
        fields = [f for f, changed in (("title", new_title != edit.old_title),
                                       ("body", edit.new_body != edit.old_body)) if changed]
        change = add_change(
            session,
            ChangeData(
                edition_id=edition.id,
                run_id=run.id,
                kind="edited",
                version_id=added.version.id,
                previous_version_id=added.previous.id,
                significance=edit.significance,
                fields=fields,
            ),
        )
        assert change is not None
        return change.id


def record_kind(engine: Engine, run_key: str, site: str, source_id: str, lang: str, kind: str,
                title: str = "A statement", body: str = "Text.") -> int:
    """A non-edit change (`removed`, `translation_added`, ...) of a one-version edition."""
    with transaction(engine) as session:
        run = open_run(session, run_key, site)
        statement = get_or_create_statement(session, site, source_id)
        edition, _ = get_or_create_edition(session, statement, lang, f"http://x/{lang}/{source_id}/")
        added = add_version(session, edition.id, _content(title, body), None)
        version_id = added.version.id if isinstance(added, VersionAdded) else added.current.id
        removed = kind == "removed"
        change = add_change(
            session,
            ChangeData(
                edition_id=edition.id, run_id=run.id, kind=kind,
                version_id=None if removed else version_id,
                previous_version_id=version_id if removed else None,
            ),
        )
        assert change is not None
        return change.id


def open_empty_run(engine: Engine, run_key: str, site: str = "testbed") -> None:
    with transaction(engine) as session:
        open_run(session, run_key, site)


def subscriptions(*recipients: dict, **settings: object) -> Subscriptions:
    return Subscriptions.model_validate(
        {"sender": "ministry-watch <alerts@example.org>", **settings,
         "recipients": [Recipient.model_validate(r).model_dump() for r in recipients]}
    )


def _content(title: str, body: str) -> VersionContent:
    digest = hashlib.sha256(f"{title}\x00{body}".encode()).hexdigest()
    return VersionContent(content_hash=digest, title=title, body=body)
