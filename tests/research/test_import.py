"""Importing readings from a CSV file: all or nothing, errors by line, same rules as the API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from research.models import Reading
from tests.factories import BoardFactory, IdeaFactory, MetricFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(member):
    board = BoardFactory()
    IdeaFactory(board=board, title="Gradient boosting", owner=member)
    MetricFactory(board=board, name="AUC")
    return board


def _upload(client, board, text: str, **headers):
    url = reverse("research:board-readings-import", args=[board.pk])
    csv_file = SimpleUploadedFile("readings.csv", text.encode(), content_type="text/csv")
    return client.post(url, {"file": csv_file}, **headers)


def test_a_member_imports_readings_by_title_and_name(client, member, board):
    idea, metric = board.ideas.get(), board.metrics.get()
    client.force_login(member)
    response = _upload(
        client,
        board,
        "idea,metric,value,recorded_at,note\n"
        "Gradient boosting,auc,0.81,2026-01-05T10:00:00Z,run 1\n"
        f"{idea.pk},{metric.pk},0.83,,\n",
    )
    assert response.status_code == 302
    readings = list(Reading.objects.order_by("value"))
    assert [r.value for r in readings] == [0.81, 0.83]
    assert {r.source for r in readings} == {"csv"}
    assert readings[0].note == "run 1"


def test_one_bad_line_refuses_the_whole_file_with_its_line_number(client, member, board):
    client.force_login(member)
    response = _upload(
        client,
        board,
        "idea,metric,value\nGradient boosting,AUC,0.8\nGradient boosting,AUC,nan\nNope,AUC,0.9\n",
    )
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["file"])
    assert (
        "Line 4: idea: no idea “Nope” on this board "
        "(give an idea's title as the board shows it, or its id)." in errors
    )
    assert not Reading.objects.exists()
    response = _upload(client, board, "idea,metric,value\nGradient boosting,AUC,0.8\n"
                       "Gradient boosting,AUC,inf\n")  # fmt: skip
    assert "Line 3: value: Enter a finite number" in " ".join(
        response.context["form"].errors["file"]
    )
    assert not Reading.objects.exists()


def test_missing_columns_are_named(client, member, board):
    client.force_login(member)
    response = _upload(client, board, "idea,value\nGradient boosting,0.8\n")
    assert "missing: metric" in " ".join(response.context["form"].errors["file"])


def test_with_htmx_errors_replace_the_form_and_success_redirects(client, member, board):
    client.force_login(member)
    bad = _upload(client, board, "idea,metric,value\nx,AUC,1\n", HTTP_HX_REQUEST="true")
    assert bad.status_code == 200
    assert b'id="import-panel"' in bad.content and b"<html" not in bad.content
    good = _upload(
        client, board, "idea,metric,value\nGradient boosting,AUC,1\n", HTTP_HX_REQUEST="true"
    )
    assert good.status_code == 204
    assert good["HX-Redirect"] == board.get_absolute_url()


def test_readings_on_someone_elses_idea_are_refused(client, member, board):
    IdeaFactory(board=board, title="Not mine")
    client.force_login(member)
    response = _upload(client, board, "idea,metric,value\nNot mine,AUC,0.8\n")
    assert response.status_code == 400
    assert "only on ideas you own" in " ".join(response.context["form"].errors["file"])
    assert not Reading.objects.exists()


def test_a_viewer_cannot_import(client, viewer, board):
    client.force_login(viewer)
    assert (
        _upload(client, board, "idea,metric,value\nGradient boosting,AUC,0.8\n").status_code == 403
    )
    assert client.get(reverse("research:board-readings-import", args=[board.pk])).status_code == 403


def test_a_row_with_more_cells_than_the_header_is_a_form_error(client, member, board):
    client.force_login(member)
    response = _upload(
        client,
        board,
        "idea,metric,value\nGradient boosting,AUC,0.8\nGradient boosting,AUC,0.9,extra,cells\n",
    )
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert "Line 3 has more columns than the header." in errors
    assert not Reading.objects.exists()


@pytest.mark.parametrize("where", ["row", "header"])
def test_a_field_over_the_csv_limit_is_a_form_error_naming_the_line(client, member, board, where):
    client.force_login(member)
    huge = "x" * (128 * 1024 + 1)
    if where == "row":
        text = f'idea,metric,value\nGradient boosting,AUC,0.8\nGradient boosting,AUC,"{huge}"\n'
        line = 3
    else:
        text = f'idea,metric,value,"{huge}"\nGradient boosting,AUC,0.8\n'
        line = 1
    response = _upload(client, board, text)
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["file"])
    assert f"Line {line} is not valid CSV" in errors
    assert not Reading.objects.exists()


# --- every problem of a file in one pass, numbered as a spreadsheet numbers its lines ----------


@pytest.fixture
def rich_board(member):
    """A board with a metric that has a unit, as the pages show it: “RMSE (EUR)”."""
    board = BoardFactory()
    IdeaFactory(board=board, title="Gradient boosting", owner=member)
    IdeaFactory(board=board, title="Someone else's idea")
    MetricFactory(board=board, name="AUC")
    MetricFactory(board=board, name="RMSE", unit="EUR", direction="lower", baseline=182)
    return board


def test_a_file_with_several_problems_lists_them_all_with_spreadsheet_lines(
    client, member, rich_board
):
    """Names the board does not know, cells the service refuses, an extra column and a
    reading on someone else's idea: all reported at once, header = line 1."""
    client.force_login(member)
    text = (
        "idea,metric,value,recorded_at\n"  # line 1
        "Gradient boosting,AUC,0.81,\n"  # line 2: fine
        "Nope,AUC,0.8,\n"  # line 3: unknown idea
        "Gradient boosting,F1,0.8,\n"  # line 4: unknown metric
        "Gradient boosting,RMSE (EUR),abc,\n"  # line 5: not a number
        "Gradient boosting,AUC,0.8,yesterday\n"  # line 6: bad time
        "Gradient boosting,AUC,0.8,,extra\n"  # line 7: one cell too many
        "Someone else's idea,AUC,0.8,\n"  # line 8: not the member's idea
        "Nope,Nope,inf,\n"  # line 9: three problems on one line
    )
    response = _upload(client, rich_board, text)
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "7 lines of the file have problems; nothing was imported.",
        "Line 3: idea: no idea “Nope” on this board "
        "(give an idea's title as the board shows it, or its id).",
        "Line 4: metric: no metric “F1” on this board (its metrics: AUC, RMSE (EUR)).",
        "Line 5: value: Enter a number.",
        "Line 6: recorded_at: Enter an ISO 8601 date and time, e.g. 2026-01-31T09:30:00Z.",
        "Line 7 has more columns than the header.",
        "Line 8: idea: you may record readings only on ideas you own, and this one is not yours.",
        "Line 9: idea: no idea “Nope” on this board "
        "(give an idea's title as the board shows it, or its id); "
        "metric: no metric “Nope” on this board (its metrics: AUC, RMSE (EUR)); "
        "value: Enter a finite number (not NaN or infinity).",
    ]
    assert not Reading.objects.exists()


def test_lines_count_records_as_a_spreadsheet_does_even_across_quoted_newlines(
    client, member, rich_board
):
    """A note with a line break is one spreadsheet row: the next record is still line 3."""
    client.force_login(member)
    text = 'idea,metric,value,note\nGradient boosting,AUC,0.8,"two\nlines"\nNope,AUC,0.8,\n'
    response = _upload(client, rich_board, text)
    assert response.context["form"].errors["file"][1].startswith("Line 3: idea: no idea “Nope”")


def test_only_foreign_ideas_are_listed_by_line(client, member, rich_board):
    client.force_login(member)
    text = "idea,metric,value\nSomeone else's idea,AUC,0.8\nGradient boosting,AUC,0.8\n"
    response = _upload(client, rich_board, text)
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "1 line of the file has a problem; nothing was imported.",
        "Line 2: idea: you may record readings only on ideas you own, and this one is not yours.",
    ]


@pytest.mark.parametrize(
    "name",
    ["RMSE", "rmse", "RMSE (EUR)", "rmse  (eur)", "RMSE [EUR]", "RMSE EUR", "  RMSE (EUR) "],
)
def test_metrics_are_named_as_the_pages_show_them_or_by_alias(client, member, rich_board, name):
    client.force_login(member)
    response = _upload(client, rich_board, f'idea,metric,value\nGradient boosting,"{name}",170\n')
    assert response.status_code == 302, response.context["form"].errors
    assert Reading.objects.get().metric.name == "RMSE"


def test_column_names_have_aliases_and_ideas_may_be_named_by_hash_id(client, member, rich_board):
    idea = rich_board.ideas.get(title="Gradient boosting")
    client.force_login(member)
    text = (
        "Idea title,Metric name,Value,Timestamp,Run ID\n"
        f"#{idea.pk},AUC,0.82,2026-01-05T10:00:00Z,run-7\n"
    )
    response = _upload(client, rich_board, text)
    assert response.status_code == 302, response.context["form"].errors
    reading = Reading.objects.get()
    assert (reading.idea, reading.value, reading.source) == (idea, 0.82, "run-7")


def test_the_example_uses_this_boards_ideas_and_metrics(client, member, rich_board):
    client.force_login(member)
    page = client.get(reverse("research:board-readings-import", args=[rich_board.pk]))
    second = rich_board.ideas.order_by("position", "id")[1]
    assert page.context["example"] == (
        "idea,metric,value,recorded_at,note\n"
        "Gradient boosting,AUC,0.8,2026-11-20T14:00:00Z,run 41\n"
        f"{second.pk},RMSE (EUR),182,,\n"
    )
    assert "Gradient boosting,AUC,0.8,2026-11-20T14:00:00Z,run 41" in page.content.decode()
