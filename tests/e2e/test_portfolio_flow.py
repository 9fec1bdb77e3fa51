"""Managers read the portfolio in the browser: worst health first, filter it, open the
roadmap with the same filter and see the overdue target marked; release a project and
answer what becomes of its future placeholders."""

import datetime

import pytest
from playwright.sync_api import expect

from projects.models import Health, Phase, Rotation
from tests.factories import FlagFactory, ProjectFactory, RotationFactory

from .conftest import assert_accessible, assert_no_horizontal_overflow, expect_message

pytestmark = pytest.mark.django_db(transaction=True)


def _days(n: int) -> datetime.date:
    return datetime.date.today() + datetime.timedelta(days=n)


def test_manager_filters_the_portfolio_and_opens_the_roadmap(visit, workspace):
    late = ProjectFactory(
        name="Late search",
        slug="late-search",
        phase=Phase.IMPLEMENTATION,
        health=Health.OFF_TRACK,
        target_release=_days(-1),
        product_manager=workspace.maya,
    )
    FlagFactory(project=late, title="Index rebuild", severity="critical")
    page = visit(workspace.maya, "/")
    page.get_by_role("link", name="Portfolio").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Portfolio")
    rows = page.locator("tr.portfolio-row")
    expect(rows.first).to_contain_text("Late search")  # off track first
    expect(rows.first).to_contain_text("Overdue")
    expect(rows.first).to_contain_text("1 open flag")
    expect(page.locator("tr.portfolio-row", has_text="Churn radar")).to_contain_text("3 people")
    assert_accessible(page)

    page.get_by_label("Health").select_option(label="Off track")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Late search")

    page.get_by_role("button", name="Open the roadmap").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Roadmap")
    expect(page.get_by_label("Health")).to_have_value("off_track")
    roadmap_rows = page.locator("tr.roadmap-row")
    expect(roadmap_rows).to_have_count(1)
    expect(roadmap_rows.first).to_contain_text("Overdue")
    expect(page.locator(".target-mark.target-overdue")).to_have_count(1)
    expect(page.locator(".today-line")).to_have_count(1)
    assert_accessible(page)
    assert_no_horizontal_overflow(page)


def test_manager_releases_and_keeps_the_future_placeholder(visit, workspace):
    project = ProjectFactory(
        name="Ready to ship",
        slug="ready-to-ship",
        phase=Phase.IMPLEMENTATION,
        target_release=_days(-2),
        product_manager=workspace.maya,
    )
    RotationFactory(project=project, person=None, role="Next-phase scientist", start=_days(20))
    page = visit(workspace.maya, project.get_absolute_url())
    form = page.locator("form", has=page.get_by_role("button", name="Change phase"))
    expect(form.get_by_label("Health on release")).to_have_value("at_risk")
    expect(form).to_contain_text("released 2 days after its target release")
    form.get_by_label("Move to").select_option(label="Released")
    form.get_by_role("button", name="Change phase").click()
    expect(page.locator(".field-error")).to_contain_text(
        "1 placeholder starts after the release: cancel it, or keep it"
    )
    assert_accessible(page)
    form = page.locator("form", has=page.get_by_role("button", name="Change phase"))
    form.get_by_label("Move to").select_option(label="Released")
    form.get_by_label("On release, 1 placeholder starts later").select_option(
        label="Keep them as demand for a next phase"
    )
    form.get_by_role("button", name="Change phase").click()
    expect_message(page, "Ready to ship is now in Released.")
    expect(page.locator(".project-header")).to_contain_text("At risk")
    assert Rotation.objects.filter(project=project, person=None).count() == 1
