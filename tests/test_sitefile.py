"""Site files: validation that names the file, the key and the reason; mid.yaml's selectors
read the right fields from pages shaped like the real site; docs/sites.md covers every key."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import requests
import yaml
from parsel import Selector
from pydantic import BaseModel

from pipeline.dates import parse_date
from scrapers.sitefile import SITES_DIR, Site, SiteFileError, load_site, select, site_keys
from testbed.server import serve_in_thread
from testbed.truth import text_sha256

ROOT = Path(__file__).resolve().parents[1]
MID = yaml.safe_load((SITES_DIR / "mid.yaml").read_text(encoding="utf-8"))

# (what is wrong, change to mid.yaml, the key and the words the error must name)
BROKEN = {
    "bad base_url": (lambda d: d.update(base_url="ftp://mid.ru"), "base_url", "http(s)"),
    "unknown key": (lambda d: d.update(langs=["ru"]), "langs", "Extra inputs"),
    "no source_id group": (
        lambda d: d["statement"].update(url="^/(?P<lang>[a-z]{2})/news/([0-9]+)/$"),
        "statement.url", "source_id",
    ),
    "bad selector": (lambda d: d["statement"]["fields"].update(title="h1[[["), "title",
                     "selector"),
    "listing without page": (lambda d: d["listings"][0].update(url="/{lang}/news/"),
                             "listings.0.url", "{page}"),
    "host not allowed": (lambda d: d.update(allowed_domains=["example.org"]), "(top level)",
                         "allowed_domains"),
    "negative delay": (lambda d: d["politeness"].update(delay_s=-1), "politeness.delay_s",
                       "greater than or equal"),
    "unknown time zone": (lambda d: d.update(timezone="Mars/Olympus"), "timezone",
                          "unknown time zone"),
}


def _write(directory: Path, data: dict, key: str = "broken") -> Path:
    path = directory / f"{key}.yaml"
    path.write_text(yaml.safe_dump({**data, "key": key}, allow_unicode=True), encoding="utf-8")
    return path


def test_every_shipped_site_file_loads():
    assert {"mid", "testbed"} <= set(site_keys())
    for key in site_keys():
        assert load_site(key).key == key


def test_testbed_yaml_is_mid_yaml_on_another_host():
    testbed = yaml.safe_load((SITES_DIR / "testbed.yaml").read_text(encoding="utf-8"))
    differs = {k for k in MID.keys() | testbed.keys() if MID.get(k) != testbed.get(k)}
    assert differs <= {"key", "name", "base_url", "allowed_domains"}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_wrong_site_file_names_the_file_the_key_and_the_reason(tmp_path, case):
    change, key, reason = BROKEN[case]
    data = yaml.safe_load(yaml.safe_dump(MID))
    change(data)
    path = _write(tmp_path, data)
    with pytest.raises(SiteFileError) as raised:
        load_site(str(path))
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert key in message and reason in message


def test_wrong_yaml_and_missing_files_are_one_line_errors(tmp_path):
    (tmp_path / "torn.yaml").write_text("key: [unclosed\n", encoding="utf-8")
    with pytest.raises(SiteFileError, match="not valid YAML") as raised:
        load_site(str(tmp_path / "torn.yaml"))
    assert "\n" not in str(raised.value)
    with pytest.raises(SiteFileError, match="no such site file"):
        load_site(str(tmp_path / "absent.yaml"))


def test_the_crawl_command_stops_before_any_request_on_a_wrong_site_file(tmp_path):
    data = yaml.safe_load(yaml.safe_dump(MID))
    data["politeness"]["concurrency"] = 0
    _write(tmp_path, data)
    with serve_in_thread(statements=3) as replica:
        env = {**os.environ, "MINISTRY_WATCH_SITES_DIR": str(tmp_path),
               "MINISTRY_WATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
        done = subprocess.run(
            [sys.executable, "-m", "pipeline.cli", "crawl", "--site", "broken", "--base-url",
             replica.base_url, "--no-politeness"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )
        assert replica.testbed.requests == 0
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert str(tmp_path / "broken.yaml") in lines[0]
    assert "politeness.concurrency" in lines[0] and "greater than or equal to 1" in lines[0]
    assert not (tmp_path / "db.sqlite3").exists()


def test_select_takes_css_or_xpath():
    page = Selector(text='<ul class="l"><li><a href="/a/">A</a></li></ul>')
    assert select(page, "ul.l a::attr(href)").getall() == ["/a/"]
    assert select(page, "//ul[@class='l']//a/@href").getall() == ["/a/"]
    assert select(page, "(//a)[1]/text()").get() == "A"


def _text(matches) -> str:
    return " ".join(" ".join(" ".join(m.xpath(".//text()").getall()).split()) for m in matches)


def test_mid_yaml_selectors_read_the_testbed_pages_as_the_truth_says():
    site = load_site("mid")
    with serve_in_thread(statements=8, night=2) as replica:
        truth = replica.truth()
        live = [e for e in truth["editions"] if e["state"] == "live"]
        with requests.Session() as http:
            for edition in live:
                page = Selector(text=http.get(replica.base_url + edition["path"]).text)
                fields = site.statement.fields
                assert _text(select(page, fields.title)) == edition["title"]
                assert _text(select(page, fields.number)) == edition["number"]
                paragraphs = select(page, fields.body).css("p").xpath("string()").getall()
                assert text_sha256(paragraphs) == edition["text_sha256"]
                published = parse_date(_text(select(page, fields.published)), edition["lang"],
                                       site)
                assert published.value == datetime.fromisoformat(edition["published"])
                switcher = {site.match_statement(href)
                            for href in select(page, site.statement.editions).getall()}
                expected = {(e["lang"], e["source_id"]) for e in live
                            if e["source_id"] == edition["source_id"]}
                assert switcher == expected
                assert site.match_statement(edition["path"]) == (edition["lang"],
                                                                 edition["source_id"])
            listing = site.listings[0]
            page = Selector(text=http.get(
                replica.base_url + listing.url.format(lang="en", page=1)).text)
            links = select(page, listing.links).getall()
        listed = {site.match_statement(href) for href in links}
        english = {("en", e["source_id"]) for e in live if e["lang"] == "en"}
        assert links and listed <= english


def _keys(model: type[BaseModel]) -> set[str]:
    names = set()
    for name, info in model.model_fields.items():
        names.add(name)
        annotation = info.annotation
        for candidate in (annotation, *getattr(annotation, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                names |= _keys(candidate)
    return names


def test_docs_sites_md_documents_every_key_of_a_site_file():
    docs = (ROOT / "docs" / "sites.md").read_text(encoding="utf-8")
    missing = sorted(key for key in _keys(Site) if f"`{key}`" not in docs)
    assert not missing, f"docs/sites.md does not document {missing}"


def test_the_worked_example_in_docs_sites_md_is_a_valid_site_file(tmp_path):
    docs = (ROOT / "docs" / "sites.md").read_text(encoding="utf-8")
    block = docs.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "ruritania.yaml").write_text(block, encoding="utf-8")
    site = load_site(str(tmp_path / "ruritania.yaml"))
    assert site.key == "ruritania"
    assert site.match_statement("/en/press/releases/2024-0815-tariffs") == ("en", "2024-0815")
    assert site.match_statement("/en/press/releases?page=2") is None
