"""The run a stage works on, and the result of the normalise stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from scrapers.sitefile import Site
from storage.errors import InputError
from storage.models import Run
from storage.runs import get_run


def run_for_site(session: Session, run_key: str, site: Site) -> Run:
    """The run with `run_key`; InputError when it is unknown or belongs to another site."""
    run = get_run(session, run_key)
    if run.site != site.key:
        raise InputError(f"run {run_key!r} belongs to site {run.site!r}, not {site.key!r}")
    return run


@dataclass(frozen=True)
class NormaliseResult:
    """Counts over every capture of the run; `processed` is how many this call judged.

    After a reprocess, `versions` counts rebuilt versions and `rebuilt` names their editions
    (`source_id/lang`)."""

    run_key: str
    processed: int = 0
    versions: int = 0
    unchanged: int = 0
    not_modified: int = 0
    gone: int = 0
    errors: int = 0
    unusable: dict[str, int] = field(default_factory=dict)
    gone_by_reason: dict[str, int] = field(default_factory=dict)
    dates_unparsed: int = 0
    rebuilt: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, Any]:
        return {
            "versions": self.versions,
            "unchanged": self.unchanged,
            "not_modified": self.not_modified,
            "gone": self.gone,
            "errors": self.errors,
            "unusable": dict(sorted(self.unusable.items())),
            "gone_by_reason": dict(sorted(self.gone_by_reason.items())),
            "dates_unparsed": self.dates_unparsed,
            **({"rebuilt": list(self.rebuilt)} if self.rebuilt else {}),
        }
