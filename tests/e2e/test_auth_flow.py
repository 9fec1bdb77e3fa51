"""Signing in and out in a real browser; the dashboard is accessible on laptop and phone."""

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, assert_no_horizontal_overflow

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_from_the_root_and_log_out(visit, member, password):
    page = visit(None, "/")
    assert "/accounts/login/" in page.url
    assert_accessible(page)
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    page.locator("summary", has_text=member.get_full_name()).click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to Tandem")).to_be_visible()


def test_a_wrong_password_shows_a_readable_error(visit, member):
    page = visit(None, "/accounts/login/")
    page.get_by_label("Username").fill(member.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    assert_accessible(page)


@pytest.mark.parametrize("viewport", ["laptop", "phone"])
def test_dashboard_is_accessible_and_fits(visit, manager, viewport):
    page = visit(manager, "/", viewport=viewport)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    assert_accessible(page)
    assert_no_horizontal_overflow(page)
