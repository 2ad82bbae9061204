"""The subscriptions file (`alerts.yaml`): who is mailed about which changes, and how.

Validated on load: a wrong file raises SubscriptionsError naming the file, the entry and the
reason, before anything is queued or sent.
"""

from __future__ import annotations

import os
import re
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from pipeline.mail.view import ChangeView
from scrapers.sitefile import site_keys
from storage.changes import KINDS, SIGNIFICANCES
from storage.errors import InputError

PATH_VARIABLE = "MINISTRY_WATCH_ALERTS"
DEFAULT_PATH = "alerts.yaml"
DEFAULT_KINDS = ("edited", "removed", "restored", "translation_added")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$|^[^@\s<>]+@localhost$")


class SubscriptionsError(InputError):
    """The subscriptions file is missing, unreadable or invalid."""


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(f"not an email address: {value!r}")
    return value.lower()


def _lowered(values: list[str]) -> list[str]:
    return [v.strip().casefold() for v in values]


Email = Annotated[str, AfterValidator(_email)]
Lowered = Annotated[list[str], AfterValidator(_lowered)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Recipient(Strict):
    """One recipient and the filters a change must pass; an empty filter lets everything by."""

    email: Email
    name: str = ""
    mode: Literal["per_change", "digest"] = "per_change"
    sites: Lowered = Field(default_factory=list)
    langs: Lowered = Field(default_factory=list)
    statements: list[str] = Field(default_factory=list)
    keywords: Lowered = Field(default_factory=list)
    kinds: list[str] = Field(default_factory=lambda: list(DEFAULT_KINDS))
    min_significance: Literal["cosmetic", "minor", "substantive"] = "minor"

    @field_validator("statements", mode="before")
    @classmethod
    def _ids_as_text(cls, value: object) -> object:
        return [str(v) for v in value] if isinstance(value, list) else value

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, value: list[str]) -> list[str]:
        unknown = [k for k in value if k not in KINDS]
        if unknown:
            raise ValueError(f"unknown change kind {unknown[0]!r}; use {', '.join(KINDS)}")
        if not value:
            raise ValueError("must name at least one change kind")
        return value

    @field_validator("sites")
    @classmethod
    def _known_sites(cls, value: list[str]) -> list[str]:
        known = site_keys()
        unknown = [s for s in value if s not in known]
        if unknown:
            raise ValueError(f"no site file for site {unknown[0]!r}; known: {', '.join(known)}")
        return value

    def wants(self, change: ChangeView) -> bool:
        """Whether `change` passes every filter of this recipient."""
        if change.rebuilt or change.kind not in self.kinds:
            return False
        if self.sites and change.site not in self.sites:
            return False
        if self.langs and change.lang not in self.langs:
            return False
        if self.statements and change.source_id not in self.statements:
            return False
        if not self._significant(change.significance):
            return False
        return self._mentions_keyword(change)

    def _significant(self, significance: str | None) -> bool:
        if significance is None:
            return True
        return SIGNIFICANCES.index(significance) >= SIGNIFICANCES.index(self.min_significance)

    def _mentions_keyword(self, change: ChangeView) -> bool:
        if not self.keywords:
            return True
        haystack = "\n".join(change.searchable_texts()).casefold()
        return any(keyword in haystack for keyword in self.keywords)


class Delivery(Strict):
    """Retry policy: a failed send waits backoff_minutes * 2**(attempts - 1), capped."""

    max_attempts: int = Field(default=5, ge=1, le=100)
    backoff_minutes: float = Field(default=10, gt=0)
    max_backoff_minutes: float = Field(default=24 * 60, gt=0)


class Subscriptions(Strict):
    sender: str = "ministry-watch <ministry-watch@localhost>"
    delivery: Delivery = Field(default_factory=Delivery)
    recipients: list[Recipient] = Field(default_factory=list)

    @field_validator("sender")
    @classmethod
    def _sender_address(cls, value: str) -> str:
        _email(parseaddr(value)[1])
        return value

    @field_validator("recipients")
    @classmethod
    def _one_entry_per_address(cls, value: list[Recipient]) -> list[Recipient]:
        seen: dict[str, int] = {}
        for index, recipient in enumerate(value):
            if recipient.email in seen:
                raise ValueError(
                    f"recipient {recipient.email} is listed twice "
                    f"(recipients[{seen[recipient.email]}] and recipients[{index}])"
                )
            seen[recipient.email] = index
        return value


def subscriptions_path(given: str | os.PathLike[str] | None = None) -> Path:
    """`--subscriptions`, else MINISTRY_WATCH_ALERTS, else `alerts.yaml` here."""
    return Path(given or os.environ.get(PATH_VARIABLE) or DEFAULT_PATH)


def load_subscriptions(path: str | os.PathLike[str] | None = None) -> Subscriptions:
    """Load and validate the subscriptions file."""
    source = subscriptions_path(path)
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SubscriptionsError(f"{source}: no such subscriptions file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SubscriptionsError(f"{source}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise SubscriptionsError(f"{source}: not valid YAML: {exc}".replace("\n", " ")) from exc
    if not isinstance(raw, dict):
        raise SubscriptionsError(f"{source}: must be a mapping with `recipients`")
    try:
        return Subscriptions.model_validate(raw)
    except ValidationError as exc:
        raise SubscriptionsError(f"{source}: {_describe(exc, raw)}") from exc


def _describe(exc: ValidationError, raw: dict[str, object]) -> str:
    """`recipients[1] (bob@example.org): min_significance: reason` for the first error."""
    first = exc.errors()[0]
    loc = list(first["loc"])
    reason = str(first["msg"]).removeprefix("Value error, ")
    entry = ".".join(str(p) for p in loc) or "(top level)"
    if len(loc) >= 2 and loc[0] == "recipients" and isinstance(loc[1], int):
        entry = f"recipients[{loc[1]}]{_entry_label(raw, loc[1])}"
        field = ".".join(str(p) for p in loc[2:])
        entry = f"{entry}: {field}" if field else entry
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{entry}: {reason}{more}"


def _entry_label(raw: dict[str, object], index: int) -> str:
    recipients = raw.get("recipients")
    if isinstance(recipients, list) and index < len(recipients):
        entry = recipients[index]
        if isinstance(entry, dict) and entry.get("email"):
            return f" ({entry['email']})"
    return ""
