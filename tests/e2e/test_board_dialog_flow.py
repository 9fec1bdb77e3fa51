"""The board in Chromium at laptop width: all six columns in view, the drop reason asked in
an accessible dialog (labelled, focus kept inside, Escape cancels, the form's length
limit), a refused drop that says why, and script errors shown as styled messages."""

import pytest
from playwright.sync_api import Page, expect

from research.models import Board, Idea

from .conftest import assert_accessible, assert_no_horizontal_overflow
from .test_board_flow import card, column

pytestmark = pytest.mark.django_db(transaction=True)

ERROR_BACKGROUND = "rgb(254, 242, 242)"  # .messages .message-error


def _dialog(page: Page):
    return page.get_by_role("dialog", name="Drop “Survival model”")


def test_all_six_columns_are_visible_at_1440_px(visit, workspace):
    page = visit(workspace.maya, workspace.board.get_absolute_url())
    assert page.viewport_size["width"] == 1440
    columns = page.locator(".board-column")
    expect(columns).to_have_count(6)
    for index in range(6):
        expect(columns.nth(index)).to_be_in_viewport(ratio=1)
    box = page.get_by_role("region", name="Board columns")
    scroll, client = box.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert scroll <= client + 1, f"the board still scrolls sideways: {scroll} > {client}"
    assert_no_horizontal_overflow(page)


def test_dropping_asks_the_reason_in_a_dialog_escape_cancels_and_confirm_drops(visit, workspace):
    page = visit(workspace.priya, workspace.board.get_absolute_url())
    survival = card(page, "Survival model")

    # Escape cancels: nothing moves, focus goes back to where it was.
    survival.drag_to(column(page, "Dropped"))
    dialog = _dialog(page)
    expect(dialog).to_be_visible()
    reason = dialog.get_by_label("Why is it dropped?")
    expect(reason).to_be_focused()
    expect(reason).to_have_attribute("maxlength", str(Idea.REASON_MAX_LENGTH))
    assert_accessible(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("#board-status")).to_have_text("“Survival model” was not dropped.")
    assert Idea.objects.get(title="Survival model").status == "exploring"

    # Cancel button: the same.
    survival.drag_to(column(page, "Dropped"))
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert Idea.objects.get(title="Survival model").status == "exploring"

    # Focus stays inside: Tab from the last button comes back to the reason.
    survival.drag_to(column(page, "Dropped"))
    expect(reason).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Drop the idea")).to_be_focused()
    page.keyboard.press("Tab")
    expect(reason).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("button", name="Drop the idea")).to_be_focused()

    # An empty reason is refused in the dialog; a reason drops the idea.
    dialog.get_by_role("button", name="Drop the idea").click()
    expect(dialog).to_contain_text("Give a reason for dropping the idea.")
    expect(reason).to_have_attribute("aria-invalid", "true")
    reason.fill("Churn is not a time-to-event problem here.")
    dialog.get_by_role("button", name="Drop the idea").click()
    expect(dialog).to_be_hidden()
    expect(column(page, "Dropped")).to_contain_text("Survival model")
    expect(column(page, "Dropped")).to_contain_text("Churn is not a time-to-event problem here.")
    idea = Idea.objects.get(title="Survival model")
    assert (idea.status, idea.dropped_reason) == (
        "dropped",
        "Churn is not a time-to-event problem here.",
    )


def test_a_drop_on_a_column_that_is_not_allowed_says_why(visit, workspace):
    page = visit(workspace.sam, workspace.board.get_absolute_url())
    card(page, "Sequence model on events").drag_to(column(page, "Promoted"))
    alert = page.locator("#board-alerts .message-error")
    expect(alert).to_have_text(
        "“Sequence model on events” cannot move from Proposed to Promoted: from Proposed it "
        "can move to Exploring or Dropped.Dismiss"
    )
    assert alert.evaluate("el => getComputedStyle(el).backgroundColor") == ERROR_BACKGROUND
    assert Idea.objects.get(title="Sequence model on events").status == "proposed"
    alert.get_by_role("button", name="Dismiss").click()
    expect(alert).to_have_count(0)


def test_a_script_error_shows_as_a_styled_message(visit, workspace):
    page = visit(workspace.sam, workspace.board.get_absolute_url())
    page.evaluate("() => setTimeout(() => { throw new Error('boom'); }, 0)")
    alert = page.locator("#board-alerts .message-error")
    expect(alert).to_contain_text("Something went wrong on this page (Uncaught Error: boom).")
    assert alert.evaluate("el => getComputedStyle(el).backgroundColor") == ERROR_BACKGROUND
    assert_accessible(page)


def test_promoting_below_the_gain_bar_asks_for_a_confirmation(visit, workspace):
    """Gradient boosting gains +7.5 % on AUC; with a 10 % bar it needs the confirmation."""
    Board.objects.filter(pk=workspace.board.pk).update(gain_bar=10.0)
    page = visit(workspace.sam, f"/research/ideas/{workspace.idea.pk}/promote/")
    expect(page.locator("#below-bar-note")).to_contain_text(
        "“Gradient boosting on usage” gains +7.5 % on AUC, below this board's gain bar of 10 %."
    )
    assert_accessible(page)
    page.get_by_role("group", name="Task 1").get_by_label("Task").fill("Scoring endpoint")
    page.get_by_role("button", name="Promote with these tasks").click()
    expect(page.locator(".form-errors")).to_contain_text("Confirm to promote it below the bar")
    assert Idea.objects.get(pk=workspace.idea.pk).status == "shortlisted"
    page.get_by_role("group", name="Task 1").get_by_label("Task").fill("Scoring endpoint")
    page.get_by_label("Promote it below the gain bar").check()
    page.get_by_role("button", name="Promote with these tasks").click()
    expect(page.locator(".messages")).to_contain_text(
        "“Gradient boosting on usage” promoted below the gain bar with 1 task."
    )
    expect(page.locator(".status-history")).to_contain_text(
        "promoted below the gain bar (+7.5 % against a bar of 10 %)"
    )
    assert_accessible(page)
