"""Classification of edits, driven by tests/cases/classify.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.classify import is_cosmetic, significance
from pipeline.figures import field_edit

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "classify.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_yaml_cases_classify_as_written(case: dict) -> None:
    texts = {name: (old, new) for name, (old, new) in case["fields"].items()}
    edits = {name: field_edit(old, new) for name, (old, new) in texts.items()}
    assert significance(texts, edits) == case["significance"]


def test_a_changed_letter_case_is_not_cosmetic() -> None:
    assert not is_cosmetic("united nations", "United Nations")
    assert is_cosmetic("“United Nations”", '"United Nations"')
