"""Real pages in headless Chromium (Debian's, never a downloaded build) driven by Playwright."""

import os
from pathlib import Path

import pytest

from tests.processes import wagtail_initial_data_restore

CHROMIUM = os.environ.get("KISHA_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(autouse=True)
def wagtail_initial_data(transactional_db):
    wagtail_initial_data_restore()


_shared: dict = {}


def shared_browser():
    """One Chromium for the whole run. Several apps' test modules import the `browser` fixture,
    which makes a fixture per module; a second sync Playwright in the same thread fails, so they
    all share this one (closed by `close_shared_browser` at the end of the session)."""
    if "browser" not in _shared:
        if not Path(CHROMIUM).exists():
            pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/install-system-packages.sh")
        # Playwright's sync API runs an event loop in this thread; the ORM calls made by
        # fixtures and the live server thread are still synchronous.
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        _shared["playwright"] = playwright
        _shared["browser"] = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
    return _shared["browser"]


def close_shared_browser() -> None:
    browser = _shared.pop("browser", None)
    playwright = _shared.pop("playwright", None)
    if browser is not None:
        browser.close()
    if playwright is not None:
        playwright.stop()


@pytest.fixture(scope="session")
def browser():
    return shared_browser()


def _csp_refusal(text: str) -> bool:
    return "Content Security Policy" in text or text.startswith("Refused to")


@pytest.fixture
def page_at(browser):
    """`page_at(viewport)` opens a fresh page (own storage) with that viewport.

    Every browser test also checks the Content-Security-Policy: anything the public or the admin
    policy refuses shows in the console as 'Refused to …' and fails the test at teardown."""
    contexts, refused = [], []

    def open_page(viewport=PHONE):
        context = browser.new_context(viewport=viewport, locale="ja-JP", timezone_id="Asia/Tokyo")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console", lambda message: _csp_refusal(message.text) and refused.append(message.text)
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert refused == [], "\n".join(refused)


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under artifacts/screenshots/ (kept by CI for a human look)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    suffix = "-pg" if os.environ.get("DATABASE_URL") else ""

    def take(page, name):
        path = SCREENSHOTS / f"{name}{suffix}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
