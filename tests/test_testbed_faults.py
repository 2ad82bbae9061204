"""Every testbed fault is served as documented, limited by path glob and count."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import parsel
import pytest
import requests

from testbed.faults import FAULTS
from testbed.server import TestbedHandle, serve_in_thread

UA = "ministry-watch-tests/1.0"
SEED = "/en/foreign_policy/news/1950123/"


@pytest.fixture(scope="module")
def testbed() -> Iterator[TestbedHandle]:
    handle = serve_in_thread(port=0, statements=10)
    yield handle
    handle.stop()


@pytest.fixture
def http(testbed) -> Iterator[requests.Session]:
    testbed.set_faults([])
    session = requests.Session()
    session.headers["User-Agent"] = UA
    yield session
    session.close()
    testbed.set_faults([])


def raw_get(testbed: TestbedHandle, path: str) -> bytes:
    """The bytes the server sends before closing, read without any HTTP client."""
    with socket.create_connection((testbed.host, testbed.port), timeout=5) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nUser-Agent: {UA}\r\n\r\n".encode())
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def test_fault_names_are_the_documented_ones():
    assert list(FAULTS) == ["error500", "error503", "ratelimit429", "reset", "slow", "truncated",
                            "interstitial", "ua403", "error200", "malformed", "huge", "offsite"]


@pytest.mark.parametrize("name,status", [("error500", 500), ("error503", 503)])
def test_server_errors_then_recovery(testbed, http, name, status):
    testbed.set_faults([{"name": name, "paths": "/en/*", "times": 2}])
    url = testbed.base_url + SEED
    assert [http.get(url).status_code for _ in range(3)] == [status, status, 200]
    assert http.get(testbed.base_url + "/ru/foreign_policy/news/1950123/").status_code == 200


def test_ratelimit_with_retry_after(testbed, http):
    testbed.set_faults([{"name": "ratelimit429", "times": 1, "seconds": 3}])
    first = http.get(testbed.base_url + SEED)
    assert first.status_code == 429 and first.headers["Retry-After"] == "3"
    assert http.get(testbed.base_url + SEED).status_code == 200


def test_connection_reset(testbed, http):
    testbed.set_faults([{"name": "reset", "times": 1}])
    with pytest.raises(requests.ConnectionError):
        http.get(testbed.base_url + SEED)
    assert http.get(testbed.base_url + SEED).status_code == 200


def test_slow_response_exceeds_client_timeout(testbed, http):
    testbed.set_faults([{"name": "slow", "times": 1, "seconds": 1.0}])
    with pytest.raises(requests.Timeout):
        http.get(testbed.base_url + SEED, timeout=0.3)
    assert http.get(testbed.base_url + SEED, timeout=5).status_code == 200


def test_truncated_body(testbed):
    testbed.set_faults([{"name": "truncated", "times": 1}])
    head, _, body = raw_get(testbed, SEED).partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length")))
    assert b" 200 " in head.split(b"\r\n")[0]
    assert 0 < len(body) < length
    testbed.set_faults([])
    head, _, body = raw_get_with_close(testbed, SEED)
    assert b"200" in head


def raw_get_with_close(testbed: TestbedHandle, path: str) -> tuple[bytes, bytes, bytes]:
    with socket.create_connection((testbed.host, testbed.port), timeout=5) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                     f"User-Agent: {UA}\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data.partition(b"\r\n\r\n")


def test_interstitial_until_cookie(testbed):
    testbed.set_faults([{"name": "interstitial"}])
    session = requests.Session()
    session.headers["User-Agent"] = UA
    first = session.get(testbed.base_url + SEED)
    assert first.status_code == 200 and "Data processing... Please, wait." in first.text
    assert "Set-Cookie" in first.headers
    assert not parsel.Selector(first.text).css("h1.photo-content__title")
    second = session.get(testbed.base_url + SEED)
    assert parsel.Selector(second.text).css("h1.photo-content__title")


@pytest.mark.parametrize("agent,status", [
    ("Scrapy/2.19.0 (+https://scrapy.org)", 403), ("python-requests/2.32", 403),
    ("curl/8.5.0", 403), ("", 403), ("ministry-watch/0.1 (+ops)", 200),
    ("Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", 200),
])
def test_user_agent_blocking(testbed, agent, status):
    testbed.set_faults(["ua403"])
    response = requests.get(testbed.base_url + SEED, headers={"User-Agent": agent})
    assert response.status_code == status


def test_error_template_with_200(testbed, http):
    testbed.set_faults([{"name": "error200", "paths": "*/1950123/"}])
    page = http.get(testbed.base_url + SEED)
    assert page.status_code == 200
    selector = parsel.Selector(page.text)
    assert selector.css(".error-page__title::text").get() == "Page not found"
    assert not selector.css("div.text.article-content")
    assert http.get(testbed.base_url + "/en/foreign_policy/news/").status_code == 200
    missing = http.get(testbed.base_url + "/en/foreign_policy/news/42/")
    assert missing.status_code == 404 and "Page not found" in missing.text


def test_malformed_page(testbed, http):
    testbed.set_faults([{"name": "malformed", "times": 1}])
    page = http.get(testbed.base_url + SEED)
    assert page.status_code == 200 and "</html>" not in page.text
    assert not parsel.Selector(page.text).css("div.text.article-content")


def test_huge_page(testbed, http):
    testbed.set_faults([{"name": "huge", "times": 1}])
    page = http.get(testbed.base_url + SEED)
    assert page.status_code == 200 and len(page.content) >= 10 * 1024 * 1024


def test_offsite_links(testbed, http):
    testbed.set_faults(["offsite"])
    listing = parsel.Selector(http.get(testbed.base_url + "/en/foreign_policy/news/").text)
    hrefs = listing.css("a.announce__link::attr(href)").getall()
    assert any(h.startswith("http://offsite.invalid/") for h in hrefs)
    assert any(h.startswith("http://127.0.0.2:") for h in hrefs)
    page = parsel.Selector(http.get(testbed.base_url + SEED).text)
    assert page.css(".additional-materials a[href^='http://offsite.invalid/']")
    assert page.css("div.text.article-content a[href*='offsite']") == []


def test_faults_never_touch_control_paths(testbed, http):
    testbed.set_faults(["error500", "ua403"])
    assert http.get(testbed.base_url + "/_testbed/state").status_code == 200
    assert requests.get(testbed.base_url + "/_testbed/state").status_code == 200


def test_first_matching_spec_wins_and_counts(testbed, http):
    testbed.set_faults([{"name": "error503", "paths": "/ru/*", "times": 1},
                        {"name": "error500", "times": 1}])
    ru = testbed.base_url + "/ru/foreign_policy/news/1950123/"
    assert http.get(ru).status_code == 503
    assert http.get(ru).status_code == 500
    assert http.get(ru).status_code == 200
    served = [f["served"] for f in http.get(testbed.base_url + "/_testbed/state").json()["faults"]]
    assert served == [1, 1]
