"""HTML of a statement page, from an edition view, the live languages and the night's noise."""

from __future__ import annotations

from html import escape

from testbed.chrome import LABELS, boilerplate, foot, head
from testbed.dates import page_date, page_time
from testbed.model import LOCALES, SWITCHER_ORDER, EditionView, edition_path
from testbed.noise import Noise, attributes, paragraph


def switcher(view: EditionView, live_langs: tuple[str, ...]) -> str:
    """One `<a>` per live edition, in the real site's order; its text reads `de-DE1 en-GB1 ...`."""
    items = "".join(
        f'<li class="lang-switcher__item"><a href="'
        f'{edition_path(view.section, lang, view.source_id)}" hreflang="{lang}">'
        f"{LOCALES[lang]}</a><sup>1</sup></li> "
        for lang in SWITCHER_ORDER
        if lang in live_langs
    )
    return f'<ul class="lang-switcher">\n{items}\n</ul>\n'


def body(view: EditionView, noise: Noise) -> str:
    content = view.content
    parts = []
    for n, heading in enumerate(content.toc, start=1):
        parts.append(paragraph(f'<a href="#{n}">{escape(heading)}</a>', noise))
    anchors = {heading: n for n, heading in enumerate(content.toc, start=1)}
    for text in content.paragraphs:
        if text in anchors:
            parts.append(paragraph(
                f'<strong><a name="{anchors[text]}"></a>{escape(text)}</strong>', noise))
        else:
            parts.append(paragraph(escape(text), noise))
    attrs = attributes(noise, ("class", "text article-content"), ("id", "article-text"),
                       ("data-lang", view.lang))
    return f"<div {attrs}>\n{''.join(parts)}</div>\n"


def statement_page(
    view: EditionView, live_langs: tuple[str, ...], noise: Noise, offsite: str = ""
) -> str:
    content = view.content
    lang = view.lang
    tags = " ".join(
        f'<a class="article-tags__link" href="/{lang}/foreign_policy/news/?tag={escape(t)}">'
        f"{escape(t)}</a>"
        for t in content.tags
    )
    return (
        head(lang, content.title, noise, view.path)
        + '<div class="photo-content">\n'
        f'<div class="photo-content__date">{page_date(lang, content.published)} '
        f'<span class="photo-content__time">{page_time(content.published)}</span></div>\n'
        f'<h1 class="photo-content__title">{escape(content.title)}</h1>\n'
        + switcher(view, live_langs)
        + f'<div class="photo-content__views">{LABELS[lang][5]}: '
        f'<span class="views-counter">{noise.views}</span></div>\n</div>\n'
        + body(view, noise)
        + f'<div class="article-line">\n<p class="article-line__note">{content.number}</p>\n'
        f'</div>\n<div class="article-tags">{tags}</div>\n'
        + boilerplate(lang, noise, offsite)
        + foot(noise)
    )
