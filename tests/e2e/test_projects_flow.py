"""Managers run projects in the browser: create one with its targets, move it through the
phases (each gate refusing, then passing), and plan rotations onto the staffing timeline."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Discipline, Role
from projects.models import Phase, Project, Rotation
from tests.factories import ProjectFactory, TargetFactory

from .conftest import (
    assert_accessible,
    assert_no_horizontal_overflow,
    expect_form_error,
    expect_message,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def maya(person):
    return person("maya", "Maya Okafor", role=Role.MANAGER, discipline=Discipline.MANAGER)


def change_phase(page: Page, to: str, override_reason: str = "") -> None:
    form = page.locator("form", has=page.get_by_role("button", name="Change phase"))
    form.get_by_label("Move to").select_option(label=to)
    if override_reason:
        form.get_by_label("Override reason").fill(override_reason)
    form.get_by_role("button", name="Change phase").click()


def phase_badge(page: Page):
    return page.locator(".project-header .badge").first


def test_manager_creates_a_project_and_edits_its_targets_inline(visit, maya):
    page = visit(maya, "/projects/")
    page.get_by_role("button", name="New project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New project")
    assert_accessible(page)

    page.get_by_label("Name").fill("Churn radar")
    page.get_by_label("Summary").fill("Spot customers about to leave.")
    page.get_by_label("Customer value").fill("Fewer surprise cancellations.")
    page.get_by_role("button", name="Save").click()

    expect_message(page, "Created Churn radar. Add its targets next.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Churn radar")
    expect(phase_badge(page)).to_contain_text("Research")
    targets = page.locator("#targets")
    expect(targets).to_contain_text("No targets yet")

    add = targets.locator("details", has_text="Add a target or scenario")
    add.get_by_label("Text").fill("Customers at risk get an offer before they cancel.")
    add.get_by_role("button", name="Add").click()
    expect(targets.locator("ol.targets > li")).to_have_count(1)

    if not add.evaluate("el => el.open"):
        add.locator("summary").click()
    add.get_by_label("Kind").select_option(index=1)
    add.get_by_label("Text").fill("A support agent sees why a customer is at risk.")
    add.get_by_role("button", name="Add").click()
    items = targets.locator("ol.targets > li")
    expect(items).to_have_count(2)

    # Inline edit of the second target, then move it to the top.
    second = items.nth(1)
    second.locator("summary", has_text="Edit").click()
    second.get_by_label("Text").fill("A support agent sees the top three risk reasons.")
    second.get_by_role("button", name="Save").click()
    expect(items.nth(1)).to_contain_text("the top three risk reasons")
    items.nth(1).locator("summary", has_text="Edit").click()
    items.nth(1).get_by_role("button", name="Move up").click()
    expect(items.first).to_contain_text("the top three risk reasons")

    project = Project.objects.get(name="Churn radar")
    assert [t.text for t in project.targets.order_by("position")] == [
        "A support agent sees the top three risk reasons.",
        "Customers at risk get an offer before they cancel.",
    ]
    assert_accessible(page)


def test_phase_gates_refuse_then_pass_and_a_manager_may_override(visit, maya):
    project = ProjectFactory(name="Basket size", slug="basket-size", product_manager=maya)
    page = visit(maya, project.get_absolute_url())

    # Leaving research without a target: the gate is shown, and the move is refused.
    expect(page.locator(".gate-warning", has_text="Gate for Prototype")).to_contain_text(
        "Add at least one target"
    )
    change_phase(page, "Prototype")
    expect_form_error(page, "Add at least one target")
    expect(phase_badge(page)).to_contain_text("Research")
    assert_accessible(page)

    add = page.locator("#targets details", has_text="Add a target or scenario")
    add.get_by_label("Text").fill("Shoppers find the add-on they need.")
    add.get_by_role("button", name="Add").click()
    expect(page.locator("#targets ol.targets > li")).to_have_count(1)
    page.reload()  # the phase form re-reads the gates
    expect(page.locator(".gate-warning", has_text="Gate for Prototype")).to_have_count(0)
    change_phase(page, "Prototype")
    expect_message(page, "Basket size is now in Prototype.")
    expect(phase_badge(page)).to_contain_text("Prototype")

    # Entering implementation needs a promoted idea: refused without one...
    change_phase(page, "Implementation")
    expect_form_error(page, "Promote at least one idea")
    expect(phase_badge(page)).to_contain_text("Prototype")
    # ...unless a manager overrides it with a recorded reason.
    change_phase(page, "Implementation", override_reason="The board lives in another tool.")
    expect_message(page, "Basket size is now in Implementation.")
    expect(page.get_by_text("Gate overridden: The board lives in another tool.")).to_be_visible()
    project.refresh_from_db()
    assert project.phase == Phase.IMPLEMENTATION
    assert project.phase_changes.latest("created_at").override_reason


THIS_WEEK_IN_VIEW = """() => {
  const box = document.querySelector('.staffing-scroll');
  const now = box.querySelector('.week-label.this-week');
  const who = box.querySelector('th.who');
  const b = box.getBoundingClientRect(), n = now.getBoundingClientRect();
  const left = b.left + (who ? who.offsetWidth : 0);
  return n.left >= left - 1 && n.right <= b.right + 1;
}"""


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_a_planned_rotation_and_a_placeholder_show_on_the_staffing_timeline(
    visit, maya, person, viewport
):
    project = ProjectFactory(name="Churn radar", slug="churn-radar", product_manager=maya)
    TargetFactory(project=project, text="Customers at risk get an offer.")
    sam = person("sam", "Sam Lindqvist", discipline=Discipline.DATA_SCIENTIST)
    today = datetime.date.today()

    page = visit(maya, f"/projects/{project.slug}/team/", viewport=viewport)
    page.get_by_role("button", name="Add rotation or placeholder").click()
    assert_accessible(page)
    page.get_by_label("Project").select_option(label="Churn radar")
    page.get_by_label("Person").select_option(label="Sam Lindqvist")
    page.get_by_label("Role").fill("Data scientist")
    page.get_by_label("Start").fill((today - datetime.timedelta(days=7)).isoformat())
    page.get_by_label("Planned end").fill((today + datetime.timedelta(days=60)).isoformat())
    page.get_by_label("Allocation").fill("60")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Churn radar")
    expect(page.locator("main")).to_contain_text("Sam Lindqvist")

    # A placeholder: demand without a person yet.
    page.get_by_role("button", name="Add rotation or placeholder").click()
    page.get_by_label("Role").fill("ML engineer")
    page.get_by_label("Start").fill((today + datetime.timedelta(days=14)).isoformat())
    page.get_by_label("Allocation").fill("50")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Churn radar")
    assert Rotation.objects.filter(project=project, person=sam, allocation=60).exists()
    assert Rotation.objects.filter(project=project, person=None, role="ML engineer").exists()

    page.get_by_role("link", name="Staffing").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staffing")
    row = page.get_by_role("row").filter(has=page.locator("th", has_text="Sam Lindqvist"))
    expect(row.get_by_role("link", name="Churn radar · 60 %")).to_be_attached()
    expect(row).to_contain_text("60 %")
    expect(
        page.get_by_role("link", name="Unfilled: ML engineer on Churn radar · 50 %")
    ).to_be_attached()
    # The grid opens 12 weeks back but scrolls so this week is on screen, phone included.
    assert page.evaluate(THIS_WEEK_IN_VIEW), "this week is scrolled out of view"
    assert_accessible(page)
    assert_no_horizontal_overflow(page)
