"""The header search in the browser: "/" jumps to the box from anywhere on a page, Enter
shows the results grouped by kind with the typed words marked, and a result opens its page."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_slash_type_see_grouped_results_open_one(visit, workspace):
    page = visit(workspace.vic, workspace.project.get_absolute_url())
    box = page.get_by_role("searchbox", name="Search Tandem (press /)")
    expect(box).not_to_be_focused()
    page.keyboard.press("/")
    expect(box).to_be_focused()
    page.keyboard.type("churn")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    expect(page.get_by_role("status").filter(has_text="for “churn”")).to_be_visible()
    groups = page.locator("section.search-group h2")
    expect(groups.first).to_be_visible()
    labels = [text.split(" (")[0] for text in groups.all_inner_texts()]
    # Grouped in the registry's order: the project and its board come first.
    assert labels[:2] == ["Projects", "Boards"], labels
    projects = page.get_by_role("region", name="Projects")
    expect(projects.locator("mark").first).to_have_text("Churn")
    assert_accessible(page)

    # "/" typed inside a field is just a character.
    page_box = page.get_by_label("Words to find")
    page_box.click()
    page_box.press("End")
    page_box.type("/")
    expect(page_box).to_have_value("churn/")

    projects.get_by_role("link", name="Churn radar").click()
    expect(page).to_have_url(re.compile(r"/projects/churn-radar/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Churn radar")


def test_a_kind_filter_shows_only_that_kind(visit, workspace):
    page = visit(workspace.vic, "/search/?q=churn&type=boards")
    expect(page.locator("section.search-group")).to_have_count(1)
    expect(page.get_by_role("heading", level=2)).to_contain_text("Boards")
