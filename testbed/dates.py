"""Dates as the site writes them: localised on pages, RFC formats in headers and feeds."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from testbed.lexicon import MONTHS


def page_date(lang: str, when: datetime) -> str:
    """The date part: ru `21.11.2020`, en `21 November 2020`, de `21. November 2020`, ..."""
    if lang == "ru":
        return when.strftime("%d.%m.%Y")
    month = MONTHS[lang][when.month - 1]
    if lang == "de":
        return f"{when.day}. {month} {when.year}"
    if lang == "es":
        return f"{when.day} de {month} de {when.year}"
    return f"{when.day} {month} {when.year}"


def page_time(when: datetime) -> str:
    return when.strftime("%H:%M")


def title_date(lang: str, when: datetime) -> str:
    """A date inside a title, as in 'Moscow, November 21, 2020' (ru: '21 ноября 2020 года')."""
    if lang == "ru":
        return f"{when.day} {MONTHS['ru'][when.month - 1]} {when.year} года"
    if lang == "en":
        return f"{MONTHS['en'][when.month - 1]} {when.day}, {when.year}"
    return page_date(lang, when)


def http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC), usegmt=True)


def rss_date(when: datetime) -> str:
    return format_datetime(when)


def parse_http_date(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed
