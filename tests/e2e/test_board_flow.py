"""Scientists work a research board in the browser: propose ideas, drag one to another
column and move one with the keyboard, record a metric reading and see the card and chart
follow, and promote an idea with its engineering tasks, which opens the implementation gate.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from accounts.models import Discipline, Role
from projects.models import Phase
from research.models import Idea
from tests.factories import (
    BoardFactory,
    IdeaFactory,
    MetricFactory,
    ProjectFactory,
    ReadingFactory,
    TargetFactory,
)

from .conftest import (
    assert_accessible,
    assert_focus_visible,
    assert_no_horizontal_overflow,
    assert_scrolls_horizontally,
    expect_form_error,
    expect_message,
)

pytestmark = pytest.mark.django_db(transaction=True)

# True once the Chart.js chart on the canvas ``id`` plots ``count`` points for the idea.
CHART_POINTS = """([id, count]) => {
    const chart = window.Chart && Chart.getChart(document.getElementById(id));
    return !!chart && chart.data.datasets[0].data.length === count;
}"""


@pytest.fixture
def sam(person):
    return person("sam", "Sam Lindqvist", discipline=Discipline.DATA_SCIENTIST)


@pytest.fixture
def maya(person):
    return person("maya", "Maya Okafor", role=Role.MANAGER, discipline=Discipline.MANAGER)


@pytest.fixture
def board(maya):
    """A churn board with AUC (higher is better, baseline 0.80) as its primary metric."""
    project = ProjectFactory(name="Churn radar", slug="churn-radar", product_manager=maya)
    board = BoardFactory(project=project, title="Which model predicts churn?", gain_bar=2.0)
    board.primary_metric = MetricFactory(board=board, name="AUC", baseline=0.80, target=0.88)
    board.save(update_fields=["primary_metric"])
    return board


def column(page: Page, label: str) -> Locator:
    return page.locator(".board-column").filter(
        has=page.get_by_role("heading", level=2, name=label)
    )


def card(page: Page, title: str) -> Locator:
    return page.locator(".idea-card").filter(has=page.get_by_role("link", name=title))


def propose(page: Page, title: str, hypothesis: str) -> None:
    panel = page.locator("details#propose")
    if not panel.evaluate("el => el.open"):
        panel.locator("summary").click()
    panel.get_by_label("Title").fill(title)
    panel.get_by_label("Hypothesis").fill(hypothesis)
    panel.get_by_role("button", name="Propose", exact=True).click()
    expect_message(page, f"Idea “{title}” proposed.")


def test_ideas_are_proposed_dragged_and_moved_with_the_keyboard(visit, board, sam):
    page = visit(sam, board.get_absolute_url())
    propose(page, "Gradient boosting on usage", "Usage drops weeks before a cancellation.")
    propose(page, "Survival model", "Time to churn beats a yes/no label.")
    proposed = column(page, "Proposed")
    expect(proposed.locator(".idea-card")).to_have_count(2)

    # Drag and drop (HTML5 events in real Chromium): Proposed → Exploring.
    card(page, "Gradient boosting on usage").drag_to(column(page, "Exploring"))
    expect(column(page, "Exploring")).to_contain_text("Gradient boosting on usage")
    expect(page.locator("#board-status")).to_have_text(
        "“Gradient boosting on usage” moved to Exploring."
    )
    assert Idea.objects.get(title="Gradient boosting on usage").status == "exploring"

    # Keyboard only: Tab to the card's Move control, open it, pick a column, submit.
    survival = card(page, "Survival model")
    survival.get_by_role("link", name="Survival model").focus()
    page.keyboard.press("Tab")
    summary = survival.locator("summary", has_text="Move")
    expect(summary).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(survival.get_by_label("Move to")).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("ArrowDown")  # Exploring → Dropped
    expect(survival.get_by_label("Move to")).to_have_value("dropped")
    page.keyboard.press("Tab")
    expect(survival.get_by_label("Reason")).to_be_focused()
    page.keyboard.type("A simpler model already covers it.")
    page.keyboard.press("Tab")
    expect(survival.get_by_role("button", name="Move", exact=True)).to_be_focused()
    page.keyboard.press("Enter")

    expect_message(page, "“Survival model” moved to Dropped.")
    dropped = column(page, "Dropped")
    expect(dropped).to_contain_text("Survival model")
    expect(dropped).to_contain_text("Dropped: A simpler model already covers it.")
    assert Idea.objects.get(title="Survival model").status == "dropped"
    assert_accessible(page)


@pytest.mark.parametrize("viewport", ["phone", "laptop"])
def test_the_board_scrolls_sideways_on_a_phone_without_the_page_overflowing(
    visit, board, sam, viewport
):
    for status, title in [
        ("proposed", "Survival model"),
        ("exploring", "Gradient boosting on usage"),
        ("shortlisted", "Sequence model on events"),
    ]:
        IdeaFactory(board=board, owner=sam, status=status, title=title)
    page = visit(sam, board.get_absolute_url(), viewport=viewport)
    expect(column(page, "Shortlisted")).to_contain_text("Sequence model on events")
    assert_no_horizontal_overflow(page)
    if viewport == "phone":
        assert_scrolls_horizontally(page.get_by_role("region", name="Board columns"))
    assert_accessible(page)


def test_a_new_reading_changes_the_card_and_the_chart(visit, board, sam):
    idea = IdeaFactory(board=board, owner=sam, status="exploring", title="Gradient boosting")
    metric = board.primary_metric
    week_ago = timezone.now() - datetime.timedelta(days=8)
    ReadingFactory(idea=idea, metric=metric, value=0.81, recorded_at=week_ago)
    ReadingFactory(idea=idea, metric=metric, value=0.82, recorded_at=week_ago)

    page = visit(sam, idea.get_absolute_url())
    page.wait_for_function(CHART_POINTS, arg=[f"chart-{metric.pk}", 2])
    panel = page.locator(".metric-panel", has_text="AUC")
    expect(panel).to_contain_text("0.82")
    assert_accessible(page)

    form = page.locator("form.reading-form")
    form.get_by_label("Metric").select_option(label="AUC")
    form.get_by_label("Value").fill("0.86")
    form.get_by_label("Note").fill("Added 30-day usage features.")
    form.get_by_role("button", name="Record").click()

    expect_message(page, "Reading recorded: AUC = 0.86.")
    page.wait_for_function(CHART_POINTS, arg=[f"chart-{metric.pk}", 3])
    # The change is told by arrow and words, not by colour alone.
    expect(panel.locator(".delta")).to_contain_text("↑ +0.04 in 7 d, better")
    expect(page.get_by_role("table").first).to_contain_text("Added 30-day usage features.")

    page.get_by_role("link", name=board.title).click()
    on_board = card(page, "Gradient boosting")
    expect(on_board.locator(".metric-latest")).to_contain_text("0.86")
    expect(on_board.locator(".delta")).to_contain_text("↑ +0.04 in 7 d, better")


def test_a_promoted_idea_with_its_tasks_opens_the_implementation_gate(
    visit, board, sam, maya, person
):
    project = board.project
    TargetFactory(project=project, text="Customers at risk get an offer.")
    project.phase = Phase.PROTOTYPE
    project.save(update_fields=["phase"])
    person("eli", "Eli Navarro", discipline=Discipline.SOFTWARE_ENGINEER)
    IdeaFactory(board=board, owner=sam, status="shortlisted", title="Gradient boosting")

    manager_page = visit(maya, project.get_absolute_url())
    expect(
        manager_page.locator(".gate-warning", has_text="Gate for Implementation")
    ).to_contain_text("Promote at least one idea")

    page = visit(sam, board.get_absolute_url())
    shortlisted = card(page, "Gradient boosting")
    shortlisted.locator("summary", has_text="Move").click()
    shortlisted.get_by_label("Move to").select_option(label="Promoted")
    shortlisted.get_by_role("button", name="Move", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Promote “Gradient boosting”")
    assert_accessible(page)
    page.get_by_role("button", name="Promote with these tasks").click()
    expect_form_error(page, "task")  # promotion needs its engineering breakdown

    first = page.get_by_role("group", name="Task 1")
    first.get_by_label("Task").fill("Nightly feature job for 30-day usage")
    first.get_by_label("Owner").select_option(label="Eli Navarro")
    page.get_by_role("group", name="Task 2").get_by_label("Task").fill("Scoring endpoint")
    page.get_by_role("button", name="Promote with these tasks").click()

    expect_message(page, "“Gradient boosting” promoted with 2 tasks.")
    tasks = page.locator("#tasks")
    expect(tasks).to_contain_text("Nightly feature job for 30-day usage")
    expect(tasks).to_contain_text("Eli Navarro")
    expect(tasks).to_contain_text("Scoring endpoint")

    manager_page.reload()
    expect(manager_page.locator(".gate-warning", has_text="Gate for Implementation")).to_have_count(
        0
    )
    form = manager_page.locator("form", has=manager_page.get_by_role("button", name="Change phase"))
    form.get_by_label("Move to").select_option(label="Implementation")
    form.get_by_role("button", name="Change phase").click()
    expect_message(manager_page, "Churn radar is now in Implementation.")
    project.refresh_from_db()
    assert project.phase == Phase.IMPLEMENTATION
