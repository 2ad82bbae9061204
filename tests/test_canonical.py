"""Canonical text: the YAML cases, and hypothesis properties (idempotent, blind to layout
whitespace and invisible characters, the hash follows the canonical form)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from pipeline.canonical import INVISIBLE, canonical_text, content_hash

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "canonical.yaml").read_text("utf-8"))

words = st.text(
    alphabet=st.characters(categories=("L", "N", "P", "S", "M")), min_size=1, max_size=12
)
paragraphs = st.lists(st.lists(words, min_size=1, max_size=8), min_size=1, max_size=5)
spaces = st.text(alphabet=" \t\u00a0\u202f\u2009\u3000", min_size=1, max_size=4)
invisibles = st.text(alphabet=sorted(INVISIBLE), max_size=3)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_yaml_cases_canonicalise_as_written(case: dict) -> None:
    assert canonical_text(case["input"]) == case["canonical"]


@given(st.text())
def test_canonicalisation_is_idempotent(text: str) -> None:
    once = canonical_text(text)
    assert canonical_text(once) == once


@given(paragraphs, st.data())
def test_canonical_form_is_blind_to_whitespace_and_invisible_characters(
    paras: list[list[str]], data: st.DataObject
) -> None:
    plain = "\n".join(" ".join(p) for p in paras)
    noisy_lines = []
    for para in paras:
        pieces = [data.draw(spaces) if data.draw(st.booleans()) else ""]
        for index, word in enumerate(para):
            marked = "".join(data.draw(invisibles) + ch for ch in word)
            pieces.append(marked)
            pieces.append(data.draw(spaces) if index < len(para) - 1 else data.draw(invisibles))
        noisy_lines.append("".join(pieces))
    noisy = "\n\n".join(noisy_lines)
    assert canonical_text(noisy) == canonical_text(plain)
    assert content_hash({"body": noisy}) == content_hash({"body": plain})


@given(st.text())
def test_canonical_form_is_blind_to_unicode_normalisation_form(text: str) -> None:
    assert canonical_text(unicodedata.normalize("NFD", text)) == canonical_text(
        unicodedata.normalize("NFC", text)
    )


def test_hash_changes_when_a_word_changes_and_names_the_field() -> None:
    base = {"title": "Statement", "body": "We note with concern."}
    assert content_hash(base) != content_hash({**base, "body": "We note with alarm."})
    assert content_hash(base) != content_hash({"title": "We note with concern.",
                                               "body": "Statement"})
    assert content_hash({**base, "tags": ["a b"]}) == content_hash({**base, "tags": ["a\u00a0b"]})
