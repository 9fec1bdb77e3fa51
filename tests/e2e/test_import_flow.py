"""Importing readings from a CSV in the browser: progress feedback, errors by line, success."""

import pytest
from playwright.sync_api import expect

from research.models import Reading

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

# Records whether the progress indicator was ever shown, however fast the upload was.
WATCH_PROGRESS = """() => {
  window.progressShown = false;
  new MutationObserver(() => {
    const box = document.querySelector('.import-progress');
    if (box && !box.hidden) window.progressShown = true;
  }).observe(document.body, {subtree: true, attributes: true, childList: true});
}"""


def _choose(page, text: str) -> None:
    page.get_by_label("CSV file").set_input_files(
        {"name": "run-42.csv", "mimeType": "text/csv", "buffer": text.encode()}
    )


def test_a_scientist_imports_a_run_with_progress_feedback(visit, workspace):
    before = Reading.objects.count()
    page = visit(workspace.sam, workspace.board.get_absolute_url())
    page.get_by_role("button", name="Import readings from CSV").click()
    expect(page.get_by_role("heading", name="Import readings")).to_be_visible()
    assert_accessible(page)
    page.evaluate(WATCH_PROGRESS)

    _choose(
        page,
        "idea,metric,value\nGradient boosting on usage,AUC,0.9\nNo such idea,AUC,1\n"
        "Survival model,F1,abc\n",
    )
    page.get_by_role("button", name="Import readings").click()
    # every problem of the file at once, numbered as a spreadsheet numbers its lines
    errors = page.locator(".import-errors li")
    expect(errors).to_have_text(
        [
            "Line 3: idea: no idea “No such idea” on this board (give an idea's title as the "
            "board shows it, or its id).",
            "Line 4: metric: no metric “F1” on this board (its metrics: AUC, Recall at 10 %); "
            "value: Enter a number.",
        ]
    )
    expect(page.locator(".import-errors p")).to_have_text(
        "2 lines of the file have problems; nothing was imported."
    )
    assert_accessible(page)
    assert page.evaluate("window.progressShown")
    assert Reading.objects.count() == before  # all or nothing

    _choose(page, "idea,metric,value,note\nGradient boosting on usage,AUC,0.9,run 42\n"
                  "Sequence model on events,AUC,0.82,run 42\n")  # fmt: skip
    page.get_by_role("button", name="Import readings").click()
    expect(page.locator(".messages")).to_contain_text("Imported 2 readings")
    assert page.url.endswith(workspace.board.get_absolute_url())
    assert Reading.objects.count() == before + 2
