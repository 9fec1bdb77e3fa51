"""The README's screenshots, taken from the demo workspace (``manage.py seed_demo``) so they
show realistic data and the demo people's fixed names; each page also passes axe-core with
that fuller data."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Page, expect

from research.models import Board, Idea

from .conftest import assert_accessible, assert_no_horizontal_overflow, save_screenshot

# Fresh id sequences: colours and links follow ids, so the pictures stay the same run to run.
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

# True once every Chart.js canvas on the page has drawn its chart.
CHARTS_DRAWN = """() => [...document.querySelectorAll("canvas")]
    .every((canvas) => window.Chart && Chart.getChart(canvas))"""


def shoot(page: Page, name: str, full_page: bool = True) -> None:
    page.wait_for_function(CHARTS_DRAWN)
    assert_accessible(page)
    assert_no_horizontal_overflow(page)
    save_screenshot(page, name, full_page=full_page)


def test_screenshots_of_the_main_pages_from_the_demo_workspace(visit):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    manager = User.objects.get(username="manager")
    scientist = User.objects.get(username="scientist")
    board = Board.objects.get(title="Predict 12-month CLV")
    idea = Idea.objects.get(title="Gradient-boosted trees on RFM features")

    for viewport in ("laptop", "phone"):
        page = visit(manager, "/", viewport=viewport)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
        shoot(page, f"dashboard-{viewport}")

    page = visit(manager, board.project.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(board.project.name)
    shoot(page, "project-laptop")

    page = visit(manager, "/projects/staffing/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Staffing")
    shoot(page, "staffing-laptop")

    for viewport in ("laptop", "phone"):
        page = visit(scientist, board.get_absolute_url(), viewport=viewport)
        expect(page.get_by_role("heading", level=1)).to_have_text(board.title)
        shoot(page, f"board-{viewport}")

    page = visit(scientist, idea.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(idea.title)
    shoot(page, "idea-laptop", full_page=False)  # the charts; the readings table runs long
