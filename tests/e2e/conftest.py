"""Browser tests in real Chromium (Debian's package) driven by Playwright.

Adding a flow: write a test that takes ``visit`` (or ``browser`` for a custom context),
opens pages as the right person with ``visit(user, path)``, and ends with
``assert_accessible(page)`` on every main page it shows. ``save_screenshot`` keeps the
README's pictures current.
"""

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, sync_playwright

E2E_DIR = Path(__file__).resolve().parent
AXE_JS = E2E_DIR / "vendor" / "axe.min.js"
SCREENSHOTS = E2E_DIR.parent.parent / "docs" / "screenshots"

VIEWPORTS = {
    "laptop": {"width": 1440, "height": 900},
    "phone": {"width": 390, "height": 844},
}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if E2E_DIR in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


def _chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(
            "Chromium is not installed: the browser tests need Debian's chromium package "
            "(make test installs it; or apt-get install chromium)."
        )
    return path


@pytest.fixture(scope="session")
def browser() -> Browser:
    # Sync Playwright runs an event loop in this thread; Django's ORM calls made by the
    # test itself (factories) are still synchronous and safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=_chromium_path(), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def visit(browser, live_server) -> Callable[..., Page]:
    """``visit(user, path, viewport="laptop")``: a page signed in as ``user`` at ``path``.

    The session cookie is made server-side (the login form itself is tested once, in
    test_auth_flow), so each flow starts where it means to.
    """
    contexts = []

    def open_page(user, path: str = "/", viewport: str = "laptop") -> Page:
        context = browser.new_context(viewport=VIEWPORTS[viewport], base_url=live_server.url)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
            )
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(path)
        return page

    yield open_page
    for context in contexts:
        context.close()


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page; fail on any serious or critical violation."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in bad
    )
    assert not bad, f"axe found serious/critical violations on {page.url}:\n{report}"


def assert_no_horizontal_overflow(page: Page, allow: str = "") -> None:
    """The page body fits the viewport; only elements matching ``allow`` may scroll inside."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{page.url} is {overflow}px wider than the viewport"


def save_screenshot(page: Page, name: str) -> None:
    """Save a full-page screenshot for the README under docs/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
