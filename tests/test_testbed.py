"""The testbed serves what its truth JSON says, night after night, with honest validators."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from urllib.robotparser import RobotFileParser

import parsel
import pytest
import requests

from testbed.server import TestbedHandle, serve_in_thread

UA = {"User-Agent": "ministry-watch-tests/1.0"}
MSK = timezone(timedelta(hours=3))
MONTHS = {
    "en": "January February March April May June July August September October November "
          "December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre "
          "décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
          "diciembre",
}


@pytest.fixture(scope="module")
def testbed() -> Iterator[TestbedHandle]:
    handle = serve_in_thread(port=0, statements=30)
    yield handle
    handle.stop()


@pytest.fixture
def http() -> Iterator[requests.Session]:
    session = requests.Session()
    session.headers.update(UA)
    yield session
    session.close()


def body_sha(page: parsel.Selector) -> str:
    texts = []
    for p in page.css("div.text.article-content p"):
        text = unicodedata.normalize("NFC", "".join(p.css("::text").getall()))
        text = re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()
        if text:
            texts.append(text)
    return hashlib.sha256("\n".join(texts).encode()).hexdigest()


def parse_date(lang: str, text: str) -> datetime:
    text = " ".join(text.split())
    if lang == "ru":
        return datetime.strptime(text, "%d.%m.%Y %H:%M").replace(tzinfo=MSK)
    day, month, year, clock = re.fullmatch(
        r"(\d+)\.? (?:de )?(\w+) (?:de )?(\d{4}) (\d\d:\d\d)", text).groups()
    hour, minute = map(int, clock.split(":"))
    number = MONTHS[lang].split().index(month) + 1
    return datetime(int(year), number, int(day), hour, minute, tzinfo=MSK)


def extract(html: str, lang: str) -> dict:
    page = parsel.Selector(html)
    return {
        "title": page.css("h1.photo-content__title::text").get(),
        "published": parse_date(lang, page.xpath(
            "string(//*[contains(@class,'photo-content__date')])").get()).isoformat(),
        "number": page.css("p.article-line__note::text").get(),
        "text_sha256": body_sha(page),
        "switcher": page.css("ul.lang-switcher a::attr(href)").getall(),
    }


def served(testbed: TestbedHandle, http: requests.Session, night: int) -> dict:
    testbed.set_night(night)
    truth = http.get(f"{testbed.base_url}/_testbed/truth").json()
    assert truth["night"] == night
    pages = {}
    for edition in truth["editions"]:
        response = http.get(testbed.base_url + edition["path"], allow_redirects=False)
        key = (edition["source_id"], edition["lang"])
        if edition["state"] == "live":
            assert response.status_code == 200, edition
            pages[key] = extract(response.text, edition["lang"])
            for field in ("title", "published", "number", "text_sha256"):
                assert pages[key][field] == edition[field], (edition["path"], field)
        elif edition["state"] == "removed":
            assert response.status_code == 404
        else:
            assert response.status_code == 302
            assert response.headers["Location"] == edition["location"] == "/"
    live = {(e["source_id"], e["lang"]): e["path"] for e in truth["editions"]
            if e["state"] == "live"}
    for (sid, _lang), page in pages.items():
        expected = sorted(path for (other, _), path in live.items() if other == sid)
        assert sorted(page["switcher"]) == expected
    return {"truth": truth, "pages": pages}


def test_pages_match_truth_and_changes_night_by_night(testbed, http):
    before = served(testbed, http, 0)
    assert {c["kind"] for c in before["truth"]["changes"]} == {"created"}
    assert len(before["truth"]["changes"]) == len(before["pages"])
    for night in range(1, testbed.testbed.timeline.last + 1):
        after = served(testbed, http, night)
        known = {(e["source_id"], e["lang"]) for e in before["truth"]["editions"]}
        observed = {}
        for key, page in after["pages"].items():
            old = before["pages"].get(key)
            if old is None:
                observed[key] = "restored" if key in known else "new"
                continue
            fields = [f for f, name in (("title", "title"), ("published", "published"),
                                        ("body", "text_sha256")) if old[name] != page[name]]
            if fields:
                observed[key] = sorted(fields)
        for key in before["pages"]:
            if key not in after["pages"]:
                observed[key] = "removed"
        expected = {}
        for change in after["truth"]["changes"]:
            key = (change["source_id"], change["lang"])
            expected[key] = {"created": "new", "translation_added": "new", "restored": "restored",
                             "removed": "removed"}.get(change["kind"], sorted(change["fields"]))
        assert observed == expected, night
        before = after


@pytest.fixture(autouse=True)
def _night_zero(testbed):
    testbed.set_night(0)
    testbed.set_faults([])


def test_seed_statement_and_scripted_typo(testbed, http):
    url = f"{testbed.base_url}/en/foreign_policy/news/1950123/"
    page = parsel.Selector(http.get(url).text)
    assert page.css("h1.photo-content__title::text").get().startswith(
        "Statement by Foreign Minister Sergey Lavrov following a visit to the Republic of Armenia")
    assert " ".join(page.css("ul.lang-switcher ::text").getall()).split() == [
        "de-DE", "1", "en-GB", "1", "es-ES", "1", "ru-RU", "1", "fr-FR", "1"]
    assert "yet another poof of our support" in page.css("div.text.article-content").get()
    assert page.css("p.article-line__note::text").get() == "2366-21-11-2020"
    assert page.css(".additional-materials") and page.css(".advanced-settings")
    ru = parsel.Selector(http.get(f"{testbed.base_url}/ru/foreign_policy/news/1950123/").text)
    assert " ".join(ru.css(".photo-content__date ::text").getall()).split() == [
        "21.11.2020", "17:35"]
    switched = http.get(f"{testbed.base_url}/ru/foreign_policy/news/1950123/?lang=en").text
    assert "poof" in switched and 'lang="en"' in switched
    testbed.set_night(1)
    assert "yet another proof of our support" in http.get(url).text


def test_listing_pages_cover_live_editions_newest_first(testbed, http):
    testbed.set_night(2)
    truth = testbed.truth()
    for lang in ("en", "ru"):
        paths, dates, page = [], [], 1
        while True:
            html = http.get(f"{testbed.base_url}/{lang}/foreign_policy/news/?PAGEN_1={page}").text
            items = parsel.Selector(html).css("ul.announce.announce_articles > li.announce__item")
            if not items:
                break
            assert len(items) <= 20
            for item in items:
                paths.append(item.css("a.announce__link::attr(href)").get())
                dates.append(parse_date(lang, item.css("span.announce__date::text").get() + " "
                                        + item.css("span.announce__time::text").get()))
                assert item.css(".announce__meta-tags")
            page += 1
        live = {e["path"] for e in truth["editions"] if e["lang"] == lang and e["state"] == "live"}
        assert set(paths) == live and len(paths) == len(live)
        assert dates == sorted(dates, reverse=True)
    rss = parsel.Selector(http.get(f"{testbed.base_url}/en/rss.php").text, type="xml")
    links = rss.xpath("//item/link/text()").getall()
    assert links and all(link.startswith(testbed.base_url + "/en/") for link in links)


def test_comments_section_uses_language_slugs(testbed, http):
    comments = [e for e in testbed.truth()["editions"] if "/spokesman/" in e["path"]]
    assert {e["path"].split("/")[4] for e in comments} >= {"kommentarii", "comments"}
    ru_path = next(e["path"] for e in comments if e["lang"] == "ru")
    assert http.get(testbed.base_url + ru_path).status_code == 200
    wrong = ru_path.replace("/ru/", "/en/")
    assert http.get(testbed.base_url + wrong).status_code == 404


def test_conditional_requests(testbed, http):
    base = testbed.base_url
    seed = f"{base}/en/foreign_policy/news/1950123/"
    first = http.get(seed)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert http.get(seed, headers={"If-None-Match": etag}).status_code == 304
    assert http.get(seed, headers={"If-Modified-Since": modified}).status_code == 304
    quiet = [e for e in testbed.truth()["editions"]
             if int(e["source_id"]) % 3 == 0 and e["source_id"] != "1950123"
             and not any(c["source_id"] == e["source_id"] for n in range(1, 6)
                         for c in testbed.truth(n)["changes"])][0]
    noisy = [e for e in testbed.truth()["editions"] if int(e["source_id"]) % 3 != 0
             and not any(c["source_id"] == e["source_id"] for n in range(1, 6)
                         for c in testbed.truth(n)["changes"])][0]
    tags = {e["path"]: http.get(base + e["path"]).headers["ETag"] for e in (quiet, noisy)}
    testbed.set_night(1)
    changed = http.get(seed, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert http.get(seed, headers={"If-Modified-Since": modified}).status_code == 200
    for path, tag in tags.items():
        assert http.get(base + path, headers={"If-None-Match": tag}).status_code == 304
    testbed.set_night(3)
    assert http.get(base + quiet["path"],
                    headers={"If-None-Match": tags[quiet["path"]]}).status_code == 304
    noisy_now = http.get(base + noisy["path"], headers={"If-None-Match": tags[noisy["path"]]})
    assert noisy_now.status_code == 200
    assert body_sha(parsel.Selector(noisy_now.text)) == noisy["text_sha256"]


def test_noise_only_night_changes_bytes_not_fields(testbed, http):
    truth = testbed.truth(3)
    assert truth["changes"] == [] and "whitespace" in truth["noise"]
    live = [e for e in truth["editions"] if e["state"] == "live"][:25]
    testbed.set_night(2)
    before = {e["path"]: http.get(testbed.base_url + e["path"]).text for e in live}
    testbed.set_night(3)
    for edition in live:
        html = http.get(testbed.base_url + edition["path"]).text
        assert html != before[edition["path"]]
        assert extract(html, edition["lang"]) == extract(before[edition["path"]], edition["lang"])


def test_robots_txt_disallows_search(testbed, http):
    robots = RobotFileParser()
    robots.parse(http.get(f"{testbed.base_url}/robots.txt").text.splitlines())
    assert not robots.can_fetch("ministry-watch", f"{testbed.base_url}/search/?q=x")
    assert robots.can_fetch("ministry-watch", f"{testbed.base_url}/en/foreign_policy/news/")


def test_control_endpoints(testbed, http):
    base = f"{testbed.base_url}/_testbed"
    assert http.post(f"{base}/night", json={"advance": 1}).json()["night"] == 1
    assert http.post(f"{base}/night", json={"night": 4}).json()["night"] == 4
    assert http.get(f"{base}/state").json()["night"] == 4
    assert http.post(f"{base}/night", json={"night": 99}).status_code == 400
    assert http.get(f"{base}/truth?night=2").json()["night"] == 2
    assert http.get(f"{base}/truth?night=x").status_code == 400
    state = http.post(f"{base}/faults", json=[{"name": "error500", "paths": "/en/*",
                                                "times": 1}]).json()
    assert state["faults"][0]["name"] == "error500"
    assert http.post(f"{base}/faults", json=[{"name": "nope"}]).status_code == 400
    assert http.post(f"{base}/faults", json=[]).json()["faults"] == []
    assert http.get(f"{base}/log").json()[-1]["target"].startswith("/")
