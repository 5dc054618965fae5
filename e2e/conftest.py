"""Browser tests: Playwright for Python driving Debian's Chromium against the live Django server."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls in the tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PEYVAND_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "pass-1234-word"
SHOTS = Path(os.environ.get("PEYVAND_SCREENSHOTS", "/tmp/peyvand-screens"))


def fits(page, name: str) -> None:
    """The page has no horizontal scroll at 1440 px and 390 px; a screenshot of each is kept under SHOTS."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (name, width)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})


def new_page(browser, live_server, **options):
    """A page of a new browser context on the live server, 1400 px wide, waiting up to 10 s for what it expects."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1400, "height": 900}, **options
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def sign_in_as(page, user, password=PASSWORD):
    page.goto("/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/login/" not in url)
    return page


def signed_in(browser, live_server, user, language):
    """A page of a new browser context, signed in as ``user`` with the interface in ``language``."""
    page = new_page(browser, live_server)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    return sign_in_as(page, user)


def _browser_required() -> bool:
    return os.environ.get("CI") == "true" or os.environ.get("PEYVAND_REQUIRE_BROWSER") == "1"


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}: install Debian's chromium (make browser)."
        if _browser_required():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    page = new_page(browser, live_server, locale="en-US")
    yield page
    page.context.close()


@pytest.fixture
def sign_in(page):
    def do(user, password=PASSWORD):
        return sign_in_as(page, user, password)

    return do
