"""The subscriptions file: validated on load with file/entry/reason errors; filters."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.mail.view import ChangeView
from pipeline.subscriptions import (
    Recipient,
    SubscriptionsError,
    load_subscriptions,
    subscriptions_path,
)

REPO = Path(__file__).resolve().parent.parent

BAD_FILES = [
    ("recipients:\n  - email: a@example.org\n  - email: bob@example.org\n"
     "    min_significance: huge\n",
     "recipients[1] (bob@example.org): min_significance: Input should be 'cosmetic', "
     "'minor' or 'substantive'"),
    ("recipients:\n  - email: not-an-address\n",
     "recipients[0] (not-an-address): email: not an email address: 'not-an-address'"),
    ("recipients:\n  - email: a@example.org\n    kinds: [edited, renamed]\n",
     "recipients[0] (a@example.org): kinds: unknown change kind 'renamed'"),
    ("recipients:\n  - email: a@example.org\n    mode: weekly\n",
     "recipients[0] (a@example.org): mode: Input should be 'per_change' or 'digest'"),
    ("recipients:\n  - email: a@example.org\n    language: [en]\n",
     "recipients[0] (a@example.org): language: Extra inputs are not permitted"),
    ("recipients:\n  - email: a@example.org\n    sites: [nowhere]\n",
     "recipients[0] (a@example.org): sites: no site file for site 'nowhere'"),
    ("recipients:\n  - email: a@example.org\n  - email: A@example.org\n",
     "recipients: recipient a@example.org is listed twice"),
    ("delivery: {max_attempts: 0}\nrecipients: []\n",
     "delivery.max_attempts: Input should be greater than or equal to 1"),
    ("sender: nobody\nrecipients: []\n", "sender: not an email address"),
    ("recipients: [\n", "not valid YAML"),
    ("- a@example.org\n", "must be a mapping with `recipients`"),
]


@pytest.mark.parametrize(("text", "reason"), BAD_FILES)
def test_a_wrong_file_fails_naming_the_file_the_entry_and_the_reason(
    tmp_path: Path, text: str, reason: str
) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SubscriptionsError) as raised:
        load_subscriptions(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    assert reason in message
    assert "\n" not in message


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SubscriptionsError, match=r"alerts\.yaml: no such subscriptions file"):
        load_subscriptions(tmp_path / "alerts.yaml")


def test_the_path_comes_from_the_option_the_variable_or_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("MINISTRY_WATCH_ALERTS", raising=False)
    assert subscriptions_path() == Path("alerts.yaml")
    monkeypatch.setenv("MINISTRY_WATCH_ALERTS", str(tmp_path / "env.yaml"))
    assert subscriptions_path() == tmp_path / "env.yaml"
    assert subscriptions_path(tmp_path / "option.yaml") == tmp_path / "option.yaml"


def test_the_example_file_loads_with_its_defaults() -> None:
    loaded = load_subscriptions(REPO / "alerts.example.yaml")
    assert [r.email for r in loaded.recipients] == [
        "desk@example.org", "caucasus-analyst@example.org", "archivist@example.org"]
    desk, analyst, archivist = loaded.recipients
    assert (desk.mode, desk.min_significance) == ("per_change", "minor")
    assert "created" not in desk.kinds
    assert analyst.mode == "digest" and "армения" in analyst.keywords
    assert archivist.statements == ["1950123", "2001455"]
    assert loaded.delivery.max_attempts == 5


EDIT = ChangeView(
    change_id=1, site="testbed", source_id="1950123", lang="en", kind="edited",
    significance="minor", fields=("body",), url="http://x/en/1950123/",
    detected_at=datetime(2026, 11, 28, tzinfo=UTC), title="Remarks on Armenia",
    old_title="Remarks on Armenia", new_title="Remarks on Armenia",
    old_body="A poof of support.", new_body="A proof of support.",
    from_seq=1, to_seq=2, rebuilt=False,
)

FILTER_CASES = [
    ({}, {}, True),
    ({}, {"significance": "cosmetic"}, False),
    ({"min_significance": "cosmetic"}, {"significance": "cosmetic"}, True),
    ({"min_significance": "substantive"}, {}, False),
    ({}, {"rebuilt": True}, False),
    ({"min_significance": "cosmetic"}, {"rebuilt": True, "significance": "cosmetic"}, False),
    ({}, {"kind": "created", "significance": None}, False),
    ({"kinds": ["created"]}, {"kind": "created", "significance": None}, True),
    ({}, {"kind": "removed", "significance": None}, True),
    ({"sites": ["mid"]}, {}, False),
    ({"sites": ["testbed"]}, {}, True),
    ({"langs": ["ru", "EN"]}, {}, True),
    ({"langs": ["ru"]}, {}, False),
    ({"statements": [1950123]}, {}, True),
    ({"statements": ["2001455"]}, {}, False),
    ({"keywords": ["ARMENIA"]}, {}, True),
    ({"keywords": ["proof"]}, {}, True),
    ({"keywords": ["Georgia"]}, {}, False),
    ({"keywords": ["армения"]}, {"title": "О визите", "new_title": "Визит в Армению",
                                  "old_body": "", "new_body": ""}, False),
    ({"keywords": ["армени"]}, {"new_title": "Визит в АРМЕНИЮ"}, True),
]


@pytest.mark.parametrize(("filters", "change", "wanted"), FILTER_CASES)
def test_filters(filters: dict, change: dict, wanted: bool) -> None:
    recipient = Recipient.model_validate({"email": "a@example.org", **filters})
    assert recipient.wants(replace(EDIT, **change)) is wanted
