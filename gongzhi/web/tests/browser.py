"""The browser-test harness: real headless Chromium (Debian's) driven by Playwright's sync API.

Fixtures (registered in gongzhi/conftest.py):

- `browser`: one Chromium for the whole session.
- `page`: a fresh browser context and page per test, pointed at pytest-django's `live_server`
  (which makes the test use a transactional database, so the `world` fixture's rows are
  committed and the server thread sees them). Chinese locale, a phone-or-tablet-agnostic
  desktop viewport; use `page.set_viewport_size` to try others.

Tests using them are marked `@pytest.mark.browser` and run with `pytest -m browser`.
Screenshots go to a temporary directory (GONGZHI_SCREENSHOTS or /tmp/gongzhi-screens),
never into the repository.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = os.environ.get("GONGZHI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Long enough for a loaded 2-core machine; a real failure still shows within seconds.
TIMEOUT_MS = 15_000


def screenshot_dir() -> Path:
    path = Path(os.environ.get("GONGZHI_SCREENSHOTS", "/tmp/gongzhi-screens"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django refuses database access
    # from a thread with a running loop unless told that this is deliberate. It is: the test
    # thread is synchronous, the loop only drives the browser.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    from playwright.sync_api import Error as PlaywrightError

    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 860}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        # Let the server answer what the page still asked for (the map's GeoJSON, say) before
        # the test database is flushed: on SQLite a request still running in the server
        # thread would hold a table lock against the flush.
        with contextlib.suppress(PlaywrightError):
            page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        context.close()


def log_in(page: Page, *, username: str, password: str) -> None:
    """Sign in through the login page, as a person would."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()
