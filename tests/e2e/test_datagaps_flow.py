"""Data gaps in the browser: a scientist types a title, sees a similar request from another
project and watches it instead of filing a copy; a data engineer triages a request, marks
one a duplicate and delivers another from the queue and the request pages."""

import pytest
from playwright.sync_api import expect

from accounts.models import Discipline
from datagaps.models import DataGap
from tests.factories import DataGapFactory, ProjectFactory

from .conftest import assert_accessible, assert_no_horizontal_overflow, expect_message

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def asks(person):
    """Two projects and three earlier requests: a clickstream ask, its paraphrase and a
    support-ticket ask."""
    tomas = person("tomas", "Tomás Berg", discipline=Discipline.DATA_SCIENTIST)
    web = ProjectFactory(name="Lookalike audiences", slug="lookalike-audiences")
    churn = ProjectFactory(name="Churn radar", slug="churn-radar")
    clicks = DataGapFactory(
        project=web, requester=tomas, title="Event-level clickstream from the web shop",
        data_needed="Raw page views and clicks per session, with timestamps.",
    )  # fmt: skip
    copy = DataGapFactory(
        project=churn, requester=tomas, title="Clickstream events per session",
        data_needed="Clicks and page views for every session.",
    )  # fmt: skip
    tickets = DataGapFactory(
        project=churn, requester=tomas, title="Customer-support ticket feed",
        data_needed="Every support ticket with category and customer id.", status="triaged",
    )  # fmt: skip
    return web, churn, clicks, copy, tickets


def test_a_scientist_watches_a_similar_request_instead_of_filing(visit, person, asks):
    _web, churn, clicks, _copy, _tickets = asks
    sam = person("sam", "Sam Lindqvist", discipline=Discipline.DATA_SCIENTIST)
    page = visit(sam, f"/data-gaps/new/?project={churn.slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text("File a data-gap request")
    page.get_by_label("Title").press_sequentially("Web shop clickstream events", delay=20)
    suggestions = page.locator("#similar-results")
    expect(suggestions).to_contain_text("Event-level clickstream from the web shop")
    expect(suggestions).to_contain_text("Lookalike audiences")
    assert_accessible(page)
    suggestions.locator(".similar-item", has_text="Event-level clickstream").get_by_role(
        "button", name="Watch this instead"
    ).click()
    expect_message(page, "You are watching “Event-level clickstream from the web shop”")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Event-level clickstream")
    assert list(clicks.watchers.values_list("username", flat=True)) == ["sam"]
    assert DataGap.objects.count() == 3  # nothing filed


def test_a_data_engineer_triages_marks_a_duplicate_and_delivers(visit, person, asks):
    _web, _churn, clicks, copy, tickets = asks
    dana = person("dana", "Dana Kowalski", discipline=Discipline.DATA_ENGINEER)
    page = visit(dana, "/data-gaps/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Data-gap queue")
    assert_accessible(page)
    assert_no_horizontal_overflow(page)

    # Triage the clickstream ask from the queue, with the keyboard: tick it, choose, apply.
    page.get_by_label(f"Select #{clicks.pk} Event-level clickstream from the web shop").check()
    page.get_by_label("With the ticked requests").select_option("triage")
    page.get_by_role("button", name="Apply").focus()
    page.keyboard.press("Enter")
    expect_message(page, "1 request triaged.")
    assert DataGap.objects.get(pk=clicks.pk).status == "triaged"

    # The paraphrase is a duplicate of it: its page lists the original as similar.
    page.goto(copy.get_absolute_url())
    expect(page.get_by_role("region", name="Similar requests")).to_contain_text(
        "Event-level clickstream from the web shop"
    )
    duplicate = page.locator("#move-duplicate")
    duplicate.get_by_label("Canonical request number").fill(str(clicks.pk))
    duplicate.get_by_role("button", name="Mark as duplicate").click()
    expect_message(page, "moved to Duplicate.")
    expect(page.get_by_text("Duplicate of")).to_contain_text(f"#{clicks.pk}")
    assert_accessible(page)
    copy.refresh_from_db()
    assert (copy.status, copy.duplicate_of_id) == ("duplicate", clicks.pk)
    page.goto(clicks.get_absolute_url())
    expect(page.locator(".gap-columns")).to_contain_text("Clickstream events per session")

    # Deliver the support-ticket feed: start work, then deliver with what and where.
    page.goto(tickets.get_absolute_url())
    page.locator("#move-in_progress").get_by_role("button", name="Start work").click()
    expect_message(page, "moved to In progress.")
    deliver = page.locator("#move-delivered")
    deliver.get_by_role("button", name="Deliver").click()
    expect(page.locator("#move-delivered .field-error").first).to_contain_text("Name the dataset")
    deliver = page.locator("#move-delivered")
    deliver.get_by_label("Dataset name").fill("support_tickets_v1")
    deliver.get_by_label("Location (table, path or URL)").fill("warehouse.support.tickets_v1")
    deliver.get_by_role("button", name="Deliver").click()
    expect_message(page, "moved to Delivered.")
    expect(page.get_by_role("region", name="Delivered")).to_contain_text("support_tickets_v1")
    assert_accessible(page)
    assert DataGap.objects.get(pk=tickets.pk).delivered_location == "warehouse.support.tickets_v1"
