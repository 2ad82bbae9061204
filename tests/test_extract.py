"""Extraction with the site file's selectors: fields, boilerplate dropped, one paragraph per
line; and pages that are not the statement, recognised by reason."""

from __future__ import annotations

import pytest

from pipeline.canonical import canonical_text
from pipeline.extract import extract
from pipeline.notcontent import (
    EMPTY,
    ERROR_PAGE,
    INTERSTITIAL,
    MALFORMED,
    REDIRECT_AWAY,
    REDIRECT_HOME,
    TRUNCATED,
    redirect_away,
    unusable_reason,
)
from scrapers.sitefile import Site, load_site
from testbed.chrome import INTERSTITIAL as INTERSTITIAL_PAGE
from testbed.chrome import error_page
from testbed.noise import page_noise
from testbed.pages import statement_page
from testbed.timeline import Timeline
from testbed.truth import normalised_text

PAGE = """<!DOCTYPE html><html><head><title>MID</title></head><body>
<h1 class="photo-content__title">  Press   release\u00a0on talks </h1>
<div class="photo-content__date">21.11.2020 <span>17:35</span></div>
<div class="text article-content">
  <p>First  paragraph,
     split over lines.</p><p>Second <b>bold</b> paragraph<br>with a break.</p>
  <ul><li>item one</li><li>item two</li></ul>
  <script>var x = "not text";</script>
  <div class="additional-materials"><p>Advert inside the body</p></div>
</div>
<p class="article-line__note">2366-21-11-2020</p>
<div class="article-tags"><a>Armenia</a> <a> Karabakh </a></div>
</body></html>"""


@pytest.fixture(scope="module")
def site() -> Site:
    return load_site("testbed")


def test_fields_are_read_with_the_site_selectors(site: Site) -> None:
    found = extract(PAGE, site)
    assert found.title == "Press release\u00a0on talks"
    assert found.published_text == "21.11.2020 17:35"
    assert found.number == "2366-21-11-2020"
    assert found.tags == ["Armenia", "Karabakh"]
    assert found.body_found


def test_body_keeps_one_paragraph_per_line_and_drops_boilerplate(site: Site) -> None:
    assert extract(PAGE, site).body == (
        "First paragraph, split over lines.\n"
        "Second bold paragraph\nwith a break.\n"
        "item one\nitem two"
    )


def test_xpath_selectors_work_like_css(site: Site) -> None:
    fields = site.statement.fields.model_copy(update={"title": "//h1"})
    xpath_site = site.model_copy(
        update={"statement": site.statement.model_copy(update={"fields": fields})})
    assert extract(PAGE, xpath_site).title == extract(PAGE, site).title


@pytest.mark.parametrize("night", [0, 3, 5])
def test_testbed_pages_extract_to_the_truth_text_on_noisy_nights(site: Site, night: int) -> None:
    timeline = Timeline()
    checked = 0
    for view in timeline.editions(night):
        if view.state != "live":
            continue
        noise = page_noise(night, view.path, view.source_id)
        html = statement_page(view, timeline.live_langs(view.source_id, night), noise)
        found = extract(html, site)
        assert canonical_text(found.body) == normalised_text(view.content.body_texts())
        assert found.title == view.content.title
        assert found.number == view.content.number
        checked += 1
    assert checked > 50


def reason(html: str, site: Site) -> str | None:
    raw = html.encode()
    return unusable_reason(raw, extract(raw, site), site)


def test_a_statement_page_is_usable(site: Site) -> None:
    assert reason(PAGE, site) is None


def test_the_interstitial_is_recognised(site: Site) -> None:
    assert reason(INTERSTITIAL_PAGE.format(cookie="mw=1"), site) == INTERSTITIAL


def test_the_error_template_served_with_200_is_recognised(site: Site) -> None:
    assert reason(error_page("en", page_noise(1, "/en/x/")), site) == ERROR_PAGE


def test_a_truncated_page_is_recognised(site: Site) -> None:
    assert reason(PAGE[: len(PAGE) // 2], site) == TRUNCATED


def test_a_page_without_the_body_block_is_malformed(site: Site) -> None:
    assert reason("<html><body><h1>Title</h1><p>text</p></body></html>", site) == MALFORMED


@pytest.mark.parametrize("html", ["", "   \n", "<html><body><div class='text article-content'>"
                                  "<p>short</p></div></body></html>"])
def test_an_empty_page_or_body_is_recognised(site: Site, html: str) -> None:
    assert reason(html, site) == EMPTY


def test_a_statement_quoting_the_interstitial_phrase_is_still_a_statement(site: Site) -> None:
    quoted = PAGE.replace("First  paragraph", "Data processing... Please, wait. First paragraph")
    assert reason(quoted, site) is None


def test_redirects_are_told_apart_by_where_they_land(site: Site) -> None:
    url = f"{site.base_url}/fr/foreign_policy/news/1950123/"
    assert redirect_away(site, url, f"{site.base_url}/") == REDIRECT_HOME
    assert redirect_away(site, url, f"{site.base_url}/fr/") == REDIRECT_HOME
    assert redirect_away(site, url, f"{site.base_url}/fr/foreign_policy/news/") == REDIRECT_AWAY
    assert redirect_away(site, url, url.rstrip("/")) is None
    assert redirect_away(site, url, None) is None
