"""The per-field diff: hypothesis properties of stored patches, and texts in Russian, Arabic
and Chinese."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.figures import field_edit, word_changes
from pipeline.textdiff import apply_patch
from pipeline.words import words

texts = st.text(alphabet=st.characters(categories=("L", "N", "P", "Zs")) | st.sampled_from(
    list("\n абвгдеёжз 中国外交部 وزارة")), max_size=300)


@settings(max_examples=200)
@given(texts, texts)
def test_a_stored_patch_turns_the_old_text_into_the_new_one_exactly(old: str, new: str) -> None:
    edit = field_edit(old, new)
    assert apply_patch(old, edit.patch) == new


@given(texts)
def test_the_diff_of_a_text_with_itself_is_empty(text: str) -> None:
    edit = field_edit(text, text)
    assert edit.patch == ""
    assert (edit.chars_added, edit.chars_removed, edit.words_added, edit.words_removed) == (
        0, 0, 0, 0)
    assert edit.similarity == 1.0


def test_a_one_character_edit_in_a_chinese_sentence_is_found() -> None:
    old = "外交部发言人表示，我们坚决反对这种做法。"
    new = "外交部发言人表示，我们坚决支持这种做法。"
    edit = field_edit(old, new)
    assert (edit.chars_added, edit.chars_removed) == (2, 2)
    one = field_edit("我们坚决反对这种做法。", "我们坚决反对那种做法。")
    assert (one.chars_added, one.chars_removed, one.words_added, one.words_removed) == (1, 1, 1, 1)
    assert apply_patch(old, edit.patch) == new


def test_cyrillic_words_are_counted_whole() -> None:
    old = "Подобные действия абсолютно неприемлемы и не останутся без ответа."
    new = "Подобные действия неприемлемы и не останутся без внимания."
    assert words(old)[:3] == ["Подобные", "действия", "абсолютно"]
    assert word_changes(old, new) == (1, 2)
    edit = field_edit(old, new)
    assert (edit.words_added, edit.words_removed) == (1, 2)
    assert apply_patch(old, edit.patch) == new


def test_an_edit_inside_a_russian_word_counts_that_word_once_each_way() -> None:
    assert word_changes("Мы выражаем обеспокоенность.", "Мы выражаем озабоченность.") == (1, 1)


def test_arabic_text_diffs_word_by_word() -> None:
    old = "أعربت وزارة الخارجية الروسية عن قلقها العميق"
    new = "أعربت وزارة الخارجية الروسية عن قلقها"
    edit = field_edit(old, new)
    assert (edit.words_added, edit.words_removed) == (0, 1)
    assert edit.chars_removed == len(" العميق")
    assert apply_patch(old, edit.patch) == new


def test_similarity_falls_as_more_of_the_text_changes() -> None:
    base = "We note with concern the growing tension around the situation."
    small = field_edit(base, base.replace("growing", "rising"))
    large = field_edit(base, "An entirely different sentence about trade.")
    assert 1.0 > small.similarity > large.similarity >= 0.0
