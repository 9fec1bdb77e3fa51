"""In real Chromium: the inline target editing (boosted by htmx) and the phase form."""

import pytest

from tests.factories import ProjectFactory, TargetFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_edits_targets_inline_and_moves_the_phase(visit):
    manager = UserFactory(role="manager")
    project = ProjectFactory(name="Storage telemetry")
    TargetFactory(project=project, text="Save 15 % for large accounts")
    page = visit(manager, "/", viewport="phone")  # listen for errors before the real page
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(project.get_absolute_url())

    page.click("text=Add a target or scenario")
    page.fill("#id_new_target_text", "Engineers see the saving per tier change")
    page.select_option("#id_new_target_kind", "scenario")
    page.click("#targets form[action$='/targets/'] button[type=submit]")
    page.wait_for_function("() => document.querySelectorAll('ol.targets > li').length === 2")
    items = page.locator("ol.targets > li")
    assert items.count() == 2

    items.nth(1).locator("summary").click()
    items.nth(1).locator("button[value=up]").click()
    page.wait_for_function(
        "() => document.querySelector('ol.targets > li').innerText.includes('Engineers see')"
    )

    page.select_option("#id_to", "prototype")
    page.fill("#id_note", "Enough evidence")
    page.click("text=Change phase")
    page.wait_for_selector("text=Phase: Prototype")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
    project.refresh_from_db()
    assert project.phase == "prototype"
