"""Staffing when assigning, in the browser: the rotation form shows who is free over the
rotation's dates by discipline, and warns of over-allocation before anything is saved."""

import datetime

import pytest
from playwright.sync_api import expect

from projects.models import Rotation
from research.models import Task

from .conftest import assert_accessible, expect_message

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_sees_free_capacity_and_the_over_allocation_warning_before_saving(visit, workspace):
    today = datetime.date.today()
    page = visit(workspace.maya, f"/projects/rotations/new/?project={workspace.project.slug}")
    panel = page.locator("#availability")
    expect(panel).to_contain_text("Pick a start date")

    page.get_by_label("Start").fill(today.isoformat())
    page.get_by_label("Planned end").fill((today + datetime.timedelta(days=20)).isoformat())
    page.get_by_label("Show people of discipline").select_option(label="Data scientist")
    # Priya is on Churn radar at 50 % over these dates; Eli is an engineer.
    priya = panel.get_by_role("row").filter(has_text="Priya Raman")
    expect(priya).to_contain_text("50 %")
    expect(panel).not_to_contain_text("Eli Navarro")

    # Another project: the same person may not overlap herself on Churn radar.
    page.get_by_label("Project").select_option(label="Basket size")
    # "Choose" in the availability list fills the Person field.
    page.get_by_role("button", name="Choose Priya Raman for this rotation").click()
    expect(page.get_by_label("Person")).to_have_value(str(workspace.priya.pk))
    expect(priya).to_contain_text("(chosen)")
    page.get_by_label("Role").fill("Data scientist")
    page.get_by_label("Allocation").fill("50")
    page.get_by_label("Role").click()  # leave the field: its change asks again
    expect(priya).to_contain_text("(chosen)")
    expect(panel).not_to_contain_text("is allocated over")

    page.get_by_label("Allocation").fill("60")
    page.get_by_label("Role").click()
    expect(panel.locator(".availability-warnings")).to_contain_text(
        "Priya Raman is allocated over 100 % (up to 110 %)"
    )
    expect(priya).to_contain_text("not enough for 60 %")
    assert_accessible(page)
    # Nothing is saved until the manager says so.
    assert not Rotation.objects.filter(person=workspace.priya, allocation=60).exists()

    page.get_by_role("button", name="Save").click()
    expect_message(page, "Priya Raman is allocated over 100 %")
    assert Rotation.objects.filter(person=workspace.priya, allocation=60).exists()


def test_removing_a_rotation_asks_first(visit, workspace):
    rotation = Rotation.objects.get(person=workspace.priya)
    page = visit(workspace.maya, f"/projects/rotations/{rotation.pk}/")
    page.get_by_role("link", name="Remove this rotation…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove this rotation?")
    assert_accessible(page)
    page.get_by_role("link", name="No, keep it").click()
    assert Rotation.objects.filter(pk=rotation.pk).exists()
    page.get_by_role("link", name="Remove this rotation…").click()
    page.get_by_role("button", name="Yes, remove it").click()
    expect_message(page, "Rotation removed.")
    assert not Rotation.objects.filter(pk=rotation.pk).exists()


def test_engineer_claims_a_task_and_moves_it_along(visit, workspace):
    promoted = workspace.ideas["Logistic baseline refresh"]
    free = Task.objects.create(idea=promoted, title="Monitoring dashboard", position=2)
    page = visit(workspace.eli, "/research/tasks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My tasks")
    expect(page.locator("main")).to_contain_text("Nightly feature job")
    assert_accessible(page)

    page.get_by_role("button", name="Mark in progress: Nightly feature job").click()
    expect_message(page, "“Nightly feature job” is in progress.")

    page.get_by_label("Assignee").select_option(label="Nobody (to claim)")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("button", name="Assign to me: Monitoring dashboard").click()
    expect_message(page, "“Monitoring dashboard” is yours.")
    free.refresh_from_db()
    assert free.owner == workspace.eli

    page.goto("/")
    page.get_by_role("button", name="Mark done: Monitoring dashboard").click()
    expect_message(page, "“Monitoring dashboard” is done.")
    free.refresh_from_db()
    assert (free.state, free.done) == ("done", True)
    assert Task.objects.get(title="Nightly feature job").state == "in_progress"


def test_dashboard_task_buttons_do_not_cover_each_other(visit, workspace):
    """A manager sees a task to claim with its claim form and its state form side by side
    (or wrapped); neither form is pulled into the other's place."""
    promoted = workspace.ideas["Logistic baseline refresh"]
    Task.objects.create(idea=promoted, title="Monitoring dashboard", position=2)
    page = visit(workspace.maya, "/")
    row = page.locator(".task-actions").filter(
        has=page.get_by_role("button", name="Assign to me: Monitoring dashboard")
    )
    boxes = [button.bounding_box() for button in row.locator("button").all()]
    assert len(boxes) >= 2
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart_x = a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
            apart_y = a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
            assert apart_x or apart_y, (a, b)
