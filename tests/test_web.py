"""The analysts' pages through an HTTP client, on both backends, over the history crawled
from the testbed (plus one statement whose scraped title and body are markup)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from storage.db import create_db_engine, transaction
from storage.statements import find_statement
from tests.history_crawl import crawled_database
from tests.history_seed import HOSTILE_ID, SITE, add_hostile_statement
from web.app import create_app

SEED = "/statements/testbed/1950123"


@pytest.fixture
def client(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    engine = create_db_engine(crawled_database(backend, tmp_path_factory))
    with transaction(engine) as session:
        hostile = find_statement(session, SITE, HOSTILE_ID)
    if hostile is None:
        add_hostile_statement(engine)
    yield TestClient(create_app(engine), raise_server_exceptions=False)
    engine.dispose()


def test_statement_page_shows_every_language_side_by_side(client: TestClient) -> None:
    page = client.get(SEED).text
    for lang in ("ru", "en", "de", "fr", "es"):
        assert f'<section class="edition" lang="{lang}">' in page
    assert f'href="{SEED}/en/diff?from=1&amp;to=2"' in page
    assert "(aktualisiert)" in page


def test_diff_page_inline_and_side_by_side(client: TestClient) -> None:
    inline = client.get(f"{SEED}/en/diff", params={"from": 1, "to": 2}).text
    assert "another p<ins>r</ins>oof of our support" in inline
    side = client.get(f"{SEED}/en/diff", params={"from": 1, "to": 2, "view": "side"}).text
    assert side.count('<div class="body">') == 2 and "<ins>r</ins>" in side


def test_version_page_shows_the_text_as_it_was(client: TestClient) -> None:
    page = client.get(f"{SEED}/en/versions/1").text
    assert "yet another poof of our support" in page and "(current)" not in page


def test_changes_page_filters_and_links_to_diffs(client: TestClient) -> None:
    page = client.get("/changes", params={"kind": "edited", "lang": "de"}).text
    assert f'href="{SEED}/de/diff?from=1&amp;to=2"' in page
    assert ">ru<" not in page


def test_search_page_highlights_matches(client: TestClient) -> None:
    page = client.get("/search", params={"q": "poof"}).text
    assert "<mark>poof</mark>" in page and "(superseded)" in page


def test_statements_page_lists_statements(client: TestClient) -> None:
    total = client.get("/api/statements").json()["total"]
    page = client.get("/", params={"limit": 500}).text
    assert f'href="{SEED}"' in page and f"{total} of {total}" in page


def test_scraped_markup_is_shown_as_text(client: TestClient) -> None:
    pages = [
        client.get(f"/statements/testbed/{HOSTILE_ID}").text,
        client.get(f"/statements/testbed/{HOSTILE_ID}/en/versions/2").text,
        client.get(f"/statements/testbed/{HOSTILE_ID}/en/diff").text,
        client.get("/search", params={"q": "sentence"}).text,
        client.get("/").text,
    ]
    for page in pages:
        assert "<script>alert(1)</script>" not in page
        assert "<img src=x" not in page and "<b>Added</b>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("path", "status"),
    [(f"{SEED}/xx/versions/1", 404), ("/statements/testbed/0", 404),
     (f"{SEED}/en/diff?from=1&to=3", 404), (f"{SEED}/en/diff?view=sideways", 422),
     ("/changes?since=tomorrow", 422), (f"{SEED}/en/versions/one", 422)],
)
def test_errors_are_pages_without_traces(client: TestClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert "<h1>" in response.text and "Traceback" not in response.text
