"""Moments and dates typed by people on the command line or in a URL."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.errors import InputError


def parse_moment(raw: str, name: str = "date") -> datetime:
    """`2020-11-23`, `2020-11-23T05:00` or a full ISO 8601 moment; without an offset, UTC."""
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError as exc:
        raise InputError(
            f"{name} {raw!r} is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM[+HH:MM])"
        ) from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
