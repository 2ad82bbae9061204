"""How alert mails leave: SMTP (a URL or Airflow's `smtp_default`), else `.eml` files.

`load_transport` picks one: an Airflow connection passed in by a DAG task, else
MINISTRY_WATCH_SMTP_URL, else `.eml` files under `<data dir>/outbox/`.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from storage.db import data_dir
from storage.errors import ConfigError

SMTP_URL_VARIABLE = "MINISTRY_WATCH_SMTP_URL"
TIMEOUT_S = 30.0
TLS_MODES = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
Tls = Literal["none", "starttls", "ssl"]


class TransportError(Exception):
    """A message could not be handed over; the alert stays pending and is retried."""


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int
    tls: Tls = "none"
    username: str | None = None
    password: str | None = None
    timeout: float = TIMEOUT_S

    def send(self, message: EmailMessage) -> None:
        try:
            with self._connect() as client:
                if self.username:
                    client.login(self.username, self.password or "")
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise TransportError(f"{self.describe()}: {type(exc).__name__}: {exc}") from exc

    def describe(self) -> str:
        return f"smtp://{self.host}:{self.port} (tls={self.tls})"

    def _connect(self) -> smtplib.SMTP:
        if self.tls == "ssl":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        if self.tls == "starttls":
            client.starttls(context=ssl.create_default_context())
        return client


@dataclass(frozen=True)
class EmlDirectoryTransport:
    """Writes each message to `<directory>/<message id>.eml` (the embedded default)."""

    directory: Path

    def send(self, message: EmailMessage) -> None:
        name = re.sub(r"[^A-Za-z0-9._@-]", "_", str(message["Message-ID"]).strip("<> "))
        target = self.directory / f"{name}.eml"
        partial = target.with_suffix(".eml.partial")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(message.as_bytes())
            partial.replace(target)
        except OSError as exc:
            raise TransportError(f"{self.describe()}: {exc}") from exc

    def describe(self) -> str:
        return f"eml files in {self.directory}"


def parse_smtp_url(raw: str, source: str = SMTP_URL_VARIABLE) -> SmtpTransport:
    """`smtp://user:pass@host:port?tls=starttls|ssl|none` (`smtps://` means tls=ssl)."""
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError(f"{source} is not an smtp:// or smtps:// URL with a host: {raw!r}")
    query = parse_qs(parts.query)
    unknown = sorted(set(query) - {"tls"})
    if unknown:
        raise ConfigError(f"{source}: unknown option {unknown[0]!r}; only tls= is understood")
    tls = query.get("tls", ["ssl" if parts.scheme == "smtps" else "none"])[-1]
    if tls not in TLS_MODES:
        raise ConfigError(f"{source}: tls={tls!r}; use one of {', '.join(TLS_MODES)}")
    try:
        port = parts.port or DEFAULT_PORTS[tls]
    except ValueError as exc:
        raise ConfigError(f"{source}: the port is not a number: {raw!r}") from exc
    return SmtpTransport(
        host=parts.hostname,
        port=port,
        tls=tls,  # type: ignore[arg-type]
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def from_airflow_connection(connection: Any) -> SmtpTransport:
    """An Airflow SMTP connection (`smtp_default`), read as the smtp provider reads it: SSL
    unless extra `disable_ssl`, else STARTTLS unless extra `disable_tls`."""
    extra = connection.extra_dejson or {}
    if not connection.host:
        raise ConfigError(f"Airflow connection {connection.conn_id!r} has no host")
    if not _flag(extra.get("disable_ssl")):
        tls: Tls = "ssl"
    elif not _flag(extra.get("disable_tls")):
        tls = "starttls"
    else:
        tls = "none"
    return SmtpTransport(
        host=connection.host,
        port=int(connection.port or DEFAULT_PORTS[tls]),
        tls=tls,
        username=connection.login or None,
        password=connection.password or None,
        timeout=float(extra.get("timeout", TIMEOUT_S)),
    )


def airflow_smtp_connection(conn_id: str = "smtp_default") -> Any | None:
    """The Airflow connection `conn_id` (inside a DAG task, or from `AIRFLOW_CONN_*`), or None
    when Airflow does not know it. For DAG tasks: `load_transport(airflow_smtp_connection())`."""
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        return BaseHook.get_connection(conn_id)
    except AirflowNotFoundException:
        return None


def load_transport(
    airflow_connection: Any | None = None,
    smtp_url: str | None = None,
    outbox_dir: Path | None = None,
) -> Transport:
    """The transport to use: the DAG's connection, the SMTP URL, or `.eml` files."""
    if airflow_connection is not None:
        return from_airflow_connection(airflow_connection)
    url = smtp_url if smtp_url is not None else os.environ.get(SMTP_URL_VARIABLE, "")
    if url.strip():
        return parse_smtp_url(url)
    return EmlDirectoryTransport(outbox_dir or data_dir() / "outbox")


def _flag(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)
