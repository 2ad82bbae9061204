"""Publication dates as sites write them, in any of their languages, into aware datetimes.

Month names are replaced by their numbers before `strptime`, so parsing never depends on
the process locale. A date that matches none of the site's formats for its language is kept
as text and flagged; it is never guessed from another language's formats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from pipeline.canonical import canonical_line
from scrapers.sitefile import Site

MONTHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (
        ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
        ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
        ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
        ("december", "dec"),
    ),
    "de": (
        ("januar", "jänner", "jan"), ("februar", "feb"), ("märz", "mär", "mrz"),
        ("april", "apr"), ("mai",), ("juni", "jun"), ("juli", "jul"), ("august", "aug"),
        ("september", "sept", "sep"), ("oktober", "okt"), ("november", "nov"),
        ("dezember", "dez"),
    ),
    "fr": (
        ("janvier", "janv"), ("février", "févr", "fevrier"), ("mars",), ("avril", "avr"),
        ("mai",), ("juin",), ("juillet", "juil"), ("août", "aout"),
        ("septembre", "sept"), ("octobre", "oct"), ("novembre", "nov"),
        ("décembre", "déc", "decembre"),
    ),
    "es": (
        ("enero", "ene"), ("febrero", "feb"), ("marzo", "mar"), ("abril", "abr"),
        ("mayo", "may"), ("junio", "jun"), ("julio", "jul"), ("agosto", "ago"),
        ("septiembre", "setiembre", "sept", "sep"), ("octubre", "oct"),
        ("noviembre", "nov"), ("diciembre", "dic"),
    ),
    "ru": (
        ("января", "январь", "янв"), ("февраля", "февраль", "фев"), ("марта", "март", "мар"),
        ("апреля", "апрель", "апр"), ("мая", "май"), ("июня", "июнь", "июн"),
        ("июля", "июль", "июл"), ("августа", "август", "авг"),
        ("сентября", "сентябрь", "сен"), ("октября", "октябрь", "окт"),
        ("ноября", "ноябрь", "ноя"), ("декабря", "декабрь", "дек"),
    ),
}
_MONTH_DIRECTIVE = re.compile(r"%[Bb]")


@dataclass(frozen=True)
class ParsedDate:
    """`value` is None when `text` matched no format; `problem` then says why."""

    text: str
    value: datetime | None
    problem: str | None = None


def month_names(lang: str, site_months: dict[str, list[str]]) -> list[tuple[str, int]]:
    """(name, month number) pairs for `lang`, longest names first; the site's own list wins."""
    if lang in site_months:
        pairs = [(name.lower(), n) for n, name in enumerate(site_months[lang], start=1)]
    else:
        pairs = [(name, n) for n, names in enumerate(MONTHS.get(lang, ()), 1) for name in names]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def numeric_months(text: str, names: list[tuple[str, int]]) -> str:
    """`text` with the first month name (a whole word, any case) replaced by its number."""
    lowered = text.lower()
    for name, number in names:
        found = re.search(rf"(?<!\w){re.escape(name)}\.?(?!\w)", lowered)
        if found:
            return f"{text[: found.start()]}{number:02d}{text[found.end():]}"
    return text


def parse_date(text: str, lang: str, site: Site) -> ParsedDate:
    """Parse `text` with the site's formats for `lang`, in the site's time zone."""
    clean = canonical_line(text.replace("\xa0", " "))
    formats = site.statement.dates.get(lang, [])
    if not formats:
        return ParsedDate(text, None, f"site {site.key} has no date format for language {lang!r}")
    numeric = numeric_months(clean, month_names(lang, site.statement.months))
    for pattern in formats:
        candidate = numeric if _MONTH_DIRECTIVE.search(pattern) else clean
        try:
            parsed = datetime.strptime(candidate, _MONTH_DIRECTIVE.sub("%m", pattern))
        except ValueError:
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ZoneInfo(site.timezone))
        return ParsedDate(text, parsed)
    return ParsedDate(text, None, f"{clean!r} matches no {lang} date format of site {site.key}")
