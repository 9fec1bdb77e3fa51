"""In real Chromium: the inline target editing (boosted by htmx) and the phase form."""

import os
import shutil

import pytest

from tests.factories import ProjectFactory, TargetFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def projects_browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()


def _page_as(browser, client, live_server, user):
    client.force_login(user)
    context = browser.new_context(viewport={"width": 390, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


def test_manager_edits_targets_inline_and_moves_the_phase(projects_browser, client, live_server):
    manager = UserFactory(role="manager")
    project = ProjectFactory(name="Storage telemetry")
    TargetFactory(project=project, text="Save 15 % for large accounts")
    page = _page_as(projects_browser, client, live_server, manager)
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(live_server.url + project.get_absolute_url())

    page.click("text=Add a target or scenario")
    page.fill("#id_new_target_text", "Engineers see the saving per tier change")
    page.select_option("#id_new_target_kind", "scenario")
    page.click("#targets form[action$='/targets/'] button[type=submit]")
    page.wait_for_function("document.querySelectorAll('ol.targets > li').length === 2")
    items = page.locator("ol.targets > li")
    assert items.count() == 2

    items.nth(1).locator("summary").click()
    items.nth(1).locator("button[value=up]").click()
    page.wait_for_function(
        "document.querySelector('ol.targets > li').innerText.includes('Engineers see')"
    )

    page.select_option("#id_to", "prototype")
    page.fill("#id_note", "Enough evidence")
    page.click("text=Change phase")
    page.wait_for_selector("text=Phase: Prototype")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
    project.refresh_from_db()
    assert project.phase == "prototype"
