"""The edits the timeline applies to an edition's content, each a small named function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from testbed.generate import extra_paragraph
from testbed.model import Content

Edit = Callable[[Content, int, str, str], Content]
"""An edit takes (content, seed, source_id, lang) and returns the new content."""

STRONG = {
    "en": "Such actions are absolutely unacceptable and will not go unanswered.",
    "ru": "Подобные действия абсолютно неприемлемы и не останутся без ответа.",
}
SOFT = {
    "en": "We regret such actions and hope they will be reconsidered.",
    "ru": "Сожалеем о подобных действиях и надеемся на их пересмотр.",
}


def replace_text(old: str, new: str) -> Edit:
    def edit(content: Content, seed: int, source_id: str, lang: str) -> Content:
        paragraphs = tuple(p.replace(old, new) for p in content.paragraphs)
        return replace(content, paragraphs=paragraphs)

    return edit


def add_strong_sentence(content: Content, seed: int, source_id: str, lang: str) -> Content:
    first, *rest = content.paragraphs
    return replace(content, paragraphs=(f"{first} {STRONG[lang]}", *rest))


def soften(content: Content, seed: int, source_id: str, lang: str) -> Content:
    return replace_text(STRONG[lang], SOFT[lang])(content, seed, source_id, lang)


def append_paragraph(salt: str) -> Edit:
    def edit(content: Content, seed: int, source_id: str, lang: str) -> Content:
        extra = extra_paragraph(seed, source_id, lang, salt)
        return replace(content, paragraphs=(*content.paragraphs, extra))

    return edit


def remove_paragraph(index: int) -> Edit:
    def edit(content: Content, seed: int, source_id: str, lang: str) -> Content:
        kept = content.paragraphs[:index] + content.paragraphs[index + 1 :]
        return replace(content, paragraphs=kept)

    return edit


def retitle(suffix: str) -> Edit:
    def edit(content: Content, seed: int, source_id: str, lang: str) -> Content:
        return replace(content, title=f"{content.title}{suffix}")

    return edit


def backdate(delta: timedelta) -> Edit:
    def edit(content: Content, seed: int, source_id: str, lang: str) -> Content:
        return replace(content, published=content.published - delta)

    return edit
