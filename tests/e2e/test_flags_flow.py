"""Engineers flag dependencies in the browser: a critical flag raised on a project in
prototype stops the manager's move to implementation, naming the flag, until it is
acknowledged; the flag shows on the project header and on its idea's card."""

import pytest
from playwright.sync_api import expect

from projects.models import Phase, Project

from .conftest import assert_accessible, expect_form_error, expect_message

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_critical_flag_blocks_implementation_until_acknowledged(visit, workspace):
    project, eli, maya = workspace.project, workspace.eli, workspace.maya

    # The engineer raises a critical flag from the project's Flags tab.
    page = visit(eli, project.get_absolute_url())
    page.get_by_role("navigation", name="Project sections").get_by_role(
        "link", name="Flags"
    ).click()
    expect(page.get_by_role("heading", name="Dependency flags")).to_be_visible()
    page.get_by_role("button", name="Raise a flag").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Consent flags missing from the export")
    page.get_by_label("Kind").select_option(label="Compliance")
    page.get_by_label("Severity").select_option(label="Critical")
    page.get_by_label("Idea (optional)").select_option(label="Survival model")
    page.get_by_label("External blocker").fill("Legal")
    page.get_by_role("button", name="Save").click()
    expect_message(page, "Flag “Consent flags missing from the export” raised.")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Consent flags missing from the export"
    )
    expect(page.locator("dl.facts")).to_contain_text("while the project was in prototype")

    # The manager's move to implementation is refused, naming the flag.
    page = visit(maya, project.get_absolute_url())
    expect(page.locator(".project-header")).to_contain_text("open flags · critical")
    form = page.locator("form", has=page.get_by_role("button", name="Change phase"))
    form.get_by_label("Move to").select_option(label="Implementation")
    form.get_by_role("button", name="Change phase").click()
    expect_form_error(page, "Acknowledge the critical dependency flag “Consent flags missing")
    assert Project.objects.get(pk=project.pk).phase == Phase.PROTOTYPE

    # The flagged idea's card carries the badge, in words.
    board = visit(maya, workspace.board.get_absolute_url())
    card = board.locator(".idea-card", has_text="Survival model")
    expect(card.locator(".card-badges")).to_contain_text("1 open flag · critical")

    # The engineer acknowledges it in place.
    page = visit(eli, "/flags/?severity=critical")
    page.get_by_role("link", name="Consent flags missing from the export").click()
    page.get_by_role("button", name="Acknowledge").click()
    expect_message(page, "moved to Acknowledged.")
    expect(page.locator("ol.status-history")).to_contain_text("Open → Acknowledged by Eli Navarro")

    # Now the move goes through.
    page = visit(maya, project.get_absolute_url())
    form = page.locator("form", has=page.get_by_role("button", name="Change phase"))
    form.get_by_label("Move to").select_option(label="Implementation")
    form.get_by_role("button", name="Change phase").click()
    expect_message(page, "Churn radar is now in Implementation.")


def test_resolving_asks_for_a_note_in_place(visit, workspace):
    page = visit(workspace.eli, workspace.flag.get_absolute_url())
    page.get_by_role("button", name="Acknowledge").click()
    expect_message(page, "moved to Acknowledged.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".field-error")).to_contain_text("Say how the dependency was resolved.")
    page.get_by_label("Note (required to resolve)").fill("Replay API shipped in v2.")
    page.get_by_role("button", name="Resolve").click()
    expect_message(page, "moved to Resolved.")
    assert_accessible(page)
