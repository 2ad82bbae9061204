"""Listing pages, the home page, the RSS feed, robots.txt and the search page."""

from __future__ import annotations

from html import escape

from testbed.chrome import LABELS, SITE_NAME, foot, head
from testbed.dates import page_date, page_time, rss_date
from testbed.model import EditionView
from testbed.noise import Noise

PAGE_SIZE = 20
ROBOTS_TXT = (
    "User-agent: *\nDisallow: /search/\nDisallow: /bitrix/\nDisallow: /_testbed/\n"
    "Crawl-delay: 0\n"
)


def announce_item(view: EditionView, noise: Noise) -> str:
    content = view.content
    tags = ", ".join(escape(t) for t in content.tags)
    return (
        '<li class="announce__item">'
        f'<span class="announce__date">{page_date(view.lang, content.published)}</span> '
        f'<span class="announce__time">{page_time(content.published)}</span> '
        f'<a class="announce__link" href="{view.path}">{escape(content.title)}</a> '
        f'<div class="announce__meta-tags">{tags}</div></li>\n'
    )


def listing_page(
    lang: str, page: int, views: list[EditionView], noise: Noise, has_next: bool,
    extra_items: str = "",
) -> str:
    """One page of the news list; an empty `ul` past the last page, as the real site does."""
    items = "".join(announce_item(v, noise) for v in views)
    pager = (
        f'<a class="pagination__next" href="/{lang}/foreign_policy/news/?PAGEN_1={page + 1}">'
        "&raquo;</a>" if has_next else ""
    )
    return (
        head(lang, LABELS[lang][0], noise, f"/{lang}/foreign_policy/news/?PAGEN_1={page}")
        + f'<h1 class="page__title">{LABELS[lang][0]}</h1>\n'
        f'<ul class="announce announce_articles">\n{items}{extra_items}</ul>\n'
        f'<div class="pagination">{pager}</div>\n'
        + foot(noise)
    )


def home_page(lang: str, views: list[EditionView], noise: Noise) -> str:
    items = "".join(announce_item(v, noise) for v in views)
    return (
        head(lang, SITE_NAME[lang], noise, f"/{lang}/")
        + f'<h1 class="page__title">{SITE_NAME[lang]}</h1>\n'
        f'<ul class="announce announce_main">\n{items}</ul>\n'
        + foot(noise)
    )


def search_page(lang: str, noise: Noise) -> str:
    return head(lang, LABELS[lang][1], noise, "/search/") + '<form class="search"></form>\n' + foot(
        noise)


def rss_feed(lang: str, base_url: str, views: list[EditionView]) -> str:
    """RSS 2.0 with absolute links, newest first."""
    items = "".join(
        "<item>"
        f"<title>{escape(v.content.title)}</title>"
        f"<link>{base_url}{v.path}</link>"
        f'<guid isPermaLink="true">{base_url}{v.path}</guid>'
        f"<pubDate>{rss_date(v.content.published)}</pubDate>"
        "</item>\n"
        for v in views
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(SITE_NAME[lang])}</title><link>{base_url}/{lang}/</link>"
        f"<description>{LABELS[lang][0]}</description><language>{lang}</language>\n"
        f"{items}</channel></rss>\n"
    )
