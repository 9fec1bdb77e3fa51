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
    assert "Line 4: no idea “Nope” on this board." in errors
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
