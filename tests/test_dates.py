"""Publication dates in the five languages of mid.ru, in the site's time zone; bad ones are
kept as text and flagged, never guessed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pipeline.dates import parse_date
from scrapers.sitefile import Site, load_site

MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.fixture(scope="module")
def mid() -> Site:
    return load_site("mid")


def with_formats(site: Site, dates: dict[str, list[str]], months=None) -> Site:
    statement = site.statement.model_copy(update={"dates": dates, "months": months or {}})
    return site.model_copy(update={"statement": statement})


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("ru", "21.11.2020 17:35", datetime(2020, 11, 21, 17, 35)),
        ("en", "21 November 2020 17:35", datetime(2020, 11, 21, 17, 35)),
        ("de", "1. März 2020 09:05", datetime(2020, 3, 1, 9, 5)),
        ("fr", "3 août 2020 10:00", datetime(2020, 8, 3, 10, 0)),
        ("fr", "14 février 2021 08:15", datetime(2021, 2, 14, 8, 15)),
        ("es", "5 de septiembre de 2020 10:00", datetime(2020, 9, 5, 10, 0)),
        ("en", "21\u00a0November\u00a02020  17:35", datetime(2020, 11, 21, 17, 35)),
    ],
)
def test_dates_of_every_language_parse_in_the_site_time_zone(
    mid: Site, lang: str, text: str, expected: datetime
) -> None:
    parsed = parse_date(text, lang, mid)
    assert parsed.problem is None
    assert parsed.value == expected.replace(tzinfo=MOSCOW)
    assert parsed.value.utcoffset() is not None


def test_russian_genitive_month_names_parse(mid: Site) -> None:
    site = with_formats(mid, {"ru": ["%d %B %Y %H:%M", "%d %B %Y года"]})
    assert parse_date("21 ноября 2020 17:35", "ru", site).value == datetime(
        2020, 11, 21, 17, 35, tzinfo=MOSCOW)
    assert parse_date("3 Марта 2021 года", "ru", site).value == datetime(2021, 3, 3, tzinfo=MOSCOW)


def test_site_month_names_replace_the_built_in_ones(mid: Site) -> None:
    names = [f"m{n}" for n in range(1, 13)]
    site = with_formats(mid, {"en": ["%d %B %Y"]}, {"en": names})
    assert parse_date("2 m10 2020", "en", site).value == datetime(2020, 10, 2, tzinfo=MOSCOW)
    assert parse_date("2 October 2020", "en", site).value is None


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ru", "32.13.2020 25:00"),
        ("en", "21 Novembre 2020 17:35"),
        ("de", "21 ноября 2020 17:35"),
        ("es", "yesterday"),
    ],
)
def test_a_bad_date_is_kept_as_text_and_flagged(mid: Site, lang: str, text: str) -> None:
    parsed = parse_date(text, lang, mid)
    assert parsed.value is None
    assert parsed.text == text
    assert lang in parsed.problem and "matches no" in parsed.problem


def test_a_language_without_formats_is_flagged_not_guessed(mid: Site) -> None:
    parsed = parse_date("21.11.2020 17:35", "ar", mid)
    assert parsed.value is None
    assert "no date format for language 'ar'" in parsed.problem
