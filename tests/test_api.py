"""Every JSON API endpoint and the Atom feed through an HTTP client, on both backends, over
a history crawled from the testbed night by night (the API is read-only, so the tests of one
backend share one crawled database)."""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from storage.db import create_db_engine
from tests.history_crawl import crawled_database
from web.app import create_app

SEED = "/api/statements/testbed/1950123"


@pytest.fixture
def client(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    engine = create_db_engine(crawled_database(backend, tmp_path_factory))
    yield TestClient(create_app(engine), raise_server_exceptions=False)
    engine.dispose()


def test_statements_filter_and_paginate(client: TestClient) -> None:
    first = client.get("/api/statements", params={"limit": 3}).json()
    second = client.get("/api/statements", params={"limit": 3, "offset": 3}).json()
    assert first["total"] > 6 and len(first["items"]) == 3
    assert not {s["source_id"] for s in first["items"]} & {s["source_id"] for s in second["items"]}
    german = client.get("/api/statements", params={"lang": "de", "limit": 50}).json()
    assert 0 < german["total"] < first["total"]
    assert all("de" in s["langs"] for s in german["items"])


def test_statement_has_editions_versions_texts_and_timeline(client: TestClient) -> None:
    data = client.get(SEED).json()
    english = next(e for e in data["editions"] if e["lang"] == "en")
    assert [v["seq"] for v in english["versions"]] == [1, 2]
    assert "poof of our" in english["versions"][0]["body"]
    assert [c["kind"] for c in english["changes"]] == ["created", "edited"]
    assert [t["at"] for t in data["timeline"]] == sorted(t["at"] for t in data["timeline"])


def test_version_endpoint(client: TestClient) -> None:
    version = client.get(f"{SEED}/en/versions/2").json()
    assert version["seq"] == 2 and version["current"] and "proof of our" in version["body"]


def test_diff_between_any_two_versions(client: TestClient) -> None:
    data = client.get(f"{SEED}/en/diff", params={"from": 1, "to": 2}).json()
    assert [1, "r"] in data["body_ops"]
    assert data["old"]["seq"] == 1 and data["new"]["seq"] == 2
    backwards = client.get(f"{SEED}/en/diff", params={"from": 2, "to": 1}).json()
    assert [-1, "r"] in backwards["body_ops"]


def test_changes_feed_filters(client: TestClient) -> None:
    edits = client.get("/api/changes", params={"kind": "edited", "limit": 500}).json()["items"]
    middle = sorted(c["detected_at"] for c in edits)[len(edits) // 2]
    data = client.get("/api/changes", params={"kind": "edited", "since": middle}).json()
    assert 0 < data["total"] < len(edits)
    assert all(c["kind"] == "edited" and c["detected_at"] >= middle for c in data["items"])
    assert client.get("/api/changes", params={"significance": "minor"}).json()["items"]


def test_changes_atom_feed_links_to_citable_diff_pages(client: TestClient) -> None:
    response = client.get("/changes.atom", params={"kind": "edited", "lang": "en"})
    assert response.headers["content-type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    links = [e.get("href") for e in ET.fromstring(response.content).findall("a:entry/a:link", ns)]
    assert "http://testserver/statements/testbed/1950123/en/diff?from=1&to=2" in links


def test_search_over_every_version(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "poof"}).json()
    assert [(h["source_id"], h["seq"], h["current"]) for h in hits] == [("1950123", 1, False)]
    assert "[[poof]]" in hits[0]["snippet"]


def test_openapi_describes_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/statements", "/api/statements/{site}/{source_id}", "/api/changes",
            "/api/search", "/api/statements/{site}/{source_id}/{lang}/diff",
            "/api/statements/{site}/{source_id}/{lang}/versions/{seq}",
            "/changes.atom"} <= set(paths)


@pytest.mark.parametrize(
    "path",
    ["/api/statements/testbed/404404", "/api/statements/nosite/1950123",
     f"{SEED}/xx/versions/1", f"{SEED}/en/versions/9", f"{SEED}/en/diff?from=1&to=9"],
)
def test_unknown_ids_give_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404 and "detail" in response.json()


@pytest.mark.parametrize(
    "path",
    ["/api/statements?limit=0", "/api/statements?offset=-1", "/api/changes?kind=moved",
     "/api/changes?since=soon", "/api/changes?significance=huge", "/api/search?q=",
     "/api/search?q=%20%20", f"{SEED}/en/diff?from=zero", f"{SEED}/en/versions/x",
     "/changes.atom?until=x"],
)
def test_bad_parameters_give_422_without_a_trace(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 422
    assert "Traceback" not in response.text and "File \"" not in response.text
    if path.startswith("/api/"):
        assert response.json()["detail"]


def test_api_is_read_only(client: TestClient) -> None:
    assert client.post("/api/statements").status_code == 405
    assert client.delete(SEED).status_code == 405
