"""Browser tests: the application served by a live server in a thread, driven by Playwright in Debian's headless
Chromium (`apt-get install chromium`; Playwright's own browser download is never used).

The live server serves the session `app` of tests/conftest.py, so the server thread and the test share one
database (SQLite in memory with a single shared connection) and the per-test reset of `_clean_database`.
The server handles one request at a time, so requests never interleave on that connection.
"""
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
MISSING_CHROMIUM = (
    f"{CHROMIUM} is missing: install Debian's Chromium (`sudo apt-get install chromium`) to run the browser tests"
)


@pytest.hookimpl(tryfirst=True)  # before `-m "not e2e"` deselects
def pytest_collection_modifyitems(config, items):
    """Every test under tests/e2e/ is marked e2e, and skipped, with the reason, where Chromium is missing."""
    here = Path(__file__).parent
    missing = not CHROMIUM.exists()
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)
            if missing:
                item.add_marker(pytest.mark.skip(reason=MISSING_CHROMIUM))


@pytest.fixture(scope="session")
def live_server(app):
    """The base URL of the application, served on 127.0.0.1 at a free port."""
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    playwright = sync_api.sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(browser, live_server, csrf_app):
    """A page in a fresh browser context (no cookies), with CSRF protection on as in production.
    `page.console_errors` collects what the pages log as errors, and their uncaught exceptions."""
    context = browser.new_context(base_url=live_server, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(f"uncaught: {error}"))
    yield page
    context.close()



def log_in(page, email, password=None):
    """Log in through the login page and land on the dashboard."""
    from playwright.sync_api import expect

    from tests.factories import PASSWORD

    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password or PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def log_out(page):
    """Log out through the user menu of the navigation bar."""
    from playwright.sync_api import expect

    toggle = page.get_by_role("navigation", name="Main").locator(".dropdown-toggle")
    button = page.get_by_role("button", name="Log out")
    for _attempt in range(3):  # a click before Bootstrap's script has bound the menu opens nothing: click again
        toggle.click()
        try:
            expect(button).to_be_visible(timeout=3000)
            break
        except AssertionError:
            continue
    button.click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
