"""How ministry-watch introduces itself to the sites it fetches (Scrapy and `check` alike)."""

from __future__ import annotations

import os

CONTACT_VARIABLE = "MINISTRY_WATCH_CONTACT"
DEFAULT_CONTACT = "ops@ministry-watch.invalid"
VERSION = "0.1"


def contact() -> str:
    return os.environ.get(CONTACT_VARIABLE) or DEFAULT_CONTACT


def user_agent() -> str:
    """A User-Agent that names the project and a contact address (MINISTRY_WATCH_CONTACT)."""
    return f"ministry-watch/{VERSION} (+mailto:{contact()})"
