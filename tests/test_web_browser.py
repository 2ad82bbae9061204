"""What a person sees in headless Chromium: the seed statement's page and its diff page."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import sync_playwright
from sqlalchemy import Engine

from tests.history_seed import HOSTILE_ID, add_hostile_statement, build_history
from web.app import create_app

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "diff-page.png"


@pytest.fixture
def base_url(engine: Engine) -> Iterator[str]:
    build_history(engine)
    add_hostile_statement(engine)
    server = uvicorn.Server(
        uvicorn.Config(create_app(engine), host="127.0.0.1", port=0, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(base_url: str):  # type: ignore[no-untyped-def]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)
        yield browser.new_page(base_url=base_url, viewport={"width": 1000, "height": 700})
        browser.close()


def test_seed_statement_and_its_typo_fix_as_seen_in_a_browser(page, backend: str) -> None:
    page.goto("/statements/testbed/1950123")
    assert page.locator("section.edition").count() == 5
    assert "Statement by Foreign Minister Sergey Lavrov" in page.inner_text("section[lang=en]")
    page.click("section[lang=en] a.difflink")
    assert page.url.endswith("/statements/testbed/1950123/en/diff?from=1&to=2")
    inserted = page.locator("div.body ins")
    assert inserted.all_inner_texts() == ["r"]
    colour = inserted.evaluate("node => getComputedStyle(node).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    assert "yet another proof of our support" in page.inner_text("div.body")
    if backend == "sqlite":
        inserted.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOT))
    page.click("text=side by side")
    assert page.locator(".side section").count() == 2
    assert page.locator(".side section").nth(1).locator("ins").all_inner_texts() == ["r"]


def test_scraped_script_title_shows_as_text_and_runs_nothing(page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in (f"/statements/testbed/{HOSTILE_ID}",
                 f"/statements/testbed/{HOSTILE_ID}/en/versions/2",
                 f"/statements/testbed/{HOSTILE_ID}/en/diff"):
        page.goto(path)
        assert "<script>alert(1)</script>" in page.inner_text("main")
        assert page.locator("main script, main img").count() == 0
    assert dialogs == []
