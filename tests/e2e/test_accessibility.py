"""Every main page, at laptop (1440 px) and phone (390 px) width: axe-core finds no serious
or critical violation, and the page body does not overflow sideways (wide content scrolls
inside its own container).

A new page goes into ``PAGES``: an id, who looks at it (the role that sees the most
controls), its path in the ``workspace`` fixture's data, and a word of its heading. Each
page is one test that checks both widths on one signed-in page (resize and reload): half
the set-up of a test per width, and the report still names the width that failed. At
laptop width every ``<details>`` is opened first, so the folded forms are checked too.
"""

import re
from collections.abc import Callable
from typing import NamedTuple

import pytest
from playwright.sync_api import expect

from research.models import Task

from .conftest import (
    VIEWPORTS,
    assert_accessible,
    assert_focus_visible,
    assert_no_horizontal_overflow,
)

pytestmark = pytest.mark.django_db(transaction=True)


class MainPage(NamedTuple):
    who: str
    path: Callable
    heading: str


PAGES = {
    "dashboard": MainPage("maya", lambda ws: "/", "Welcome"),
    "project-list": MainPage("maya", lambda ws: "/projects/", "Projects"),
    "project-form": MainPage("maya", lambda ws: "/projects/new/", "New project"),
    "project-edit": MainPage(
        "maya", lambda ws: f"/projects/{ws.project.slug}/edit/", "Edit Churn radar"
    ),
    "project-overview": MainPage("maya", lambda ws: ws.project.get_absolute_url(), "Churn radar"),
    "project-team": MainPage("maya", lambda ws: f"/projects/{ws.project.slug}/team/", "Churn"),
    "project-takeaways": MainPage(
        "maya", lambda ws: f"/projects/{ws.project.slug}/takeaways/", "Churn radar"
    ),
    "project-timeline": MainPage(
        "maya", lambda ws: f"/projects/{ws.project.slug}/timeline/", "Churn radar"
    ),
    "rotation-form": MainPage(
        "maya", lambda ws: f"/projects/rotations/new/?project={ws.project.slug}", "rotation"
    ),
    "rotation-edit": MainPage(
        "maya",
        lambda ws: f"/projects/rotations/{ws.project.rotations.filter(person=ws.sam).get().pk}/",
        "Edit rotation",
    ),
    "staffing": MainPage("maya", lambda ws: "/projects/staffing/", "Staffing"),
    "my-tasks": MainPage("eli", lambda ws: "/research/tasks/", "My tasks"),
    "task-edit": MainPage(
        "maya",
        lambda ws: f"/research/tasks/{Task.objects.get(title='Nightly feature job').pk}/edit/",
        "Edit task",
    ),
    "portfolio": MainPage("maya", lambda ws: "/projects/portfolio/", "Portfolio"),
    "roadmap": MainPage("maya", lambda ws: "/projects/portfolio/roadmap/", "Roadmap"),
    "takeaways": MainPage("sam", lambda ws: "/projects/takeaways/", "Takeaways"),
    "takeaway-form": MainPage("sam", lambda ws: "/projects/takeaways/new/", "takeaway"),
    "board-list": MainPage(
        "maya", lambda ws: f"/research/projects/{ws.project.slug}/boards/", "Churn radar"
    ),
    "board": MainPage("maya", lambda ws: ws.board.get_absolute_url(), "Which model"),
    "board-compare": MainPage(
        "maya", lambda ws: f"/research/boards/{ws.board.pk}/compare/", "Compare ideas"
    ),
    "boards": MainPage("vic", lambda ws: "/research/boards/", "Boards"),
    "metric-edit": MainPage("maya", lambda ws: f"/research/metrics/{ws.metric.pk}/edit/", "AUC"),
    "idea": MainPage("sam", lambda ws: ws.idea.get_absolute_url(), "Gradient boosting"),
    "idea-edit": MainPage("sam", lambda ws: f"/research/ideas/{ws.idea.pk}/edit/", "Edit"),
    "idea-promote": MainPage("sam", lambda ws: f"/research/ideas/{ws.idea.pk}/promote/", "Promote"),
    "viewer-board": MainPage("vic", lambda ws: ws.board.get_absolute_url(), "Which model"),
    "flag-list": MainPage("eli", lambda ws: "/flags/", "Dependency flags"),
    "project-flags": MainPage("sam", lambda ws: f"/flags/projects/{ws.project.slug}/", "Churn"),
    "flag-form": MainPage("sam", lambda ws: f"/flags/projects/{ws.project.slug}/new/", "Raise"),
    "flag": MainPage("eli", lambda ws: ws.flag.get_absolute_url(), "Event stream"),
    "flag-edit": MainPage("sam", lambda ws: f"/flags/{ws.flag.pk}/edit/", "Edit"),
    "flag-stats": MainPage("maya", lambda ws: "/flags/early-warning/", "Early warning"),
    "digest-settings": MainPage("sam", lambda ws: "/digests/", "Weekly digest"),
    "digest-preview": MainPage("sam", lambda ws: "/digests/preview/", "Preview my digest"),
    "datagap-queue": MainPage("maya", lambda ws: "/data-gaps/", "Data-gap queue"),
    "datagap-form": MainPage("sam", lambda ws: "/data-gaps/new/", "File a data-gap request"),
    "datagap-detail": MainPage("maya", lambda ws: ws.datagap.get_absolute_url(), "Clickstream"),
    "datagap-project": MainPage(
        "maya", lambda ws: f"/data-gaps/projects/{ws.project.slug}/", "Churn radar"
    ),
    "datagap-recurring": MainPage("maya", lambda ws: "/data-gaps/recurring/", "Recurring asks"),
    "datagap-stats": MainPage("maya", lambda ws: "/data-gaps/stats/", "Triage figures"),
    "search": MainPage("vic", lambda ws: "/search/?q=churn", "Search"),
    "search-refused": MainPage("vic", lambda ws: "/search/?q=" + "x" * 201, "Search"),
    "takeaway": MainPage(
        "vic", lambda ws: ws.project.takeaways.first().get_absolute_url(), "Leakage"
    ),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_main_page_is_accessible_and_fits_laptop_and_phone(visit, workspace, name):
    main_page = PAGES[name]
    page = visit(getattr(workspace, main_page.who), main_page.path(workspace))
    for viewport, size in VIEWPORTS.items():
        if page.viewport_size != size:
            page.set_viewport_size(size)
            page.reload()
        expect(page.get_by_role("heading", level=1)).to_contain_text(main_page.heading)
        if viewport == "laptop":
            # The forms folded into <details> (propose an idea, move a card, add a target,
            # the user menu) are only seen by axe when open; on the phone it sees the page
            # as it first shows.
            page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        try:
            assert_accessible(page)
            assert_no_horizontal_overflow(page)
        except AssertionError as error:
            raise AssertionError(f"at {viewport} width ({size['width']} px): {error}") from None


@pytest.mark.parametrize("name", ["project-overview", "board", "idea"])
def test_keyboard_focus_is_always_visible(visit, workspace, name):
    """Tabbing through the first controls of the page, each one shows where focus is."""
    main_page = PAGES[name]
    page = visit(getattr(workspace, main_page.who), main_page.path(workspace))
    for _ in range(25):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement === document.body"):
            break  # past the last control
        assert_focus_visible(page)


def test_metric_changes_are_told_by_arrow_and_word_not_colour_alone(visit, workspace):
    page = visit(workspace.sam, workspace.board.get_absolute_url())
    deltas = page.locator(".idea-card .delta")
    expect(deltas.first).to_be_visible()
    for text in deltas.all_inner_texts():
        assert (
            re.search(r"[↑↓→].*\b(better|worse|unchanged)\b", text)
            or "No readings" in text
            or "no reading" in text
        ), text
