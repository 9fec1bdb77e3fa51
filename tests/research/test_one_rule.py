"""One definition per rule in the research app: field limits (gain bar, reading note and
source, drop reason) hold alike in the service, the form, the API and the table; service
refusals reach the pages' forms; the move form does not restate the transition table;
people are picked and named the accounts app's way.

The limits are pinned literally here (10,000 %, 500, 100, 2,000): a test that read the
constants it checks would pass whatever they said.
"""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.forms import PersonChoiceField
from research import selectors, services
from research.api.serializers import (
    BoardCreateSerializer,
    BoardUpdateSerializer,
    ReadingCreateSerializer,
)
from research.forms import BoardForm, BoardSettingsForm, IdeaForm, MoveForm, ReadingForm, TaskForm
from research.models import Board, Idea, Reading, Status, Task
from tests.factories import (
    BoardFactory,
    IdeaFactory,
    MetricFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "research"


@pytest.fixture
def board():
    board = BoardFactory()
    board.primary_metric = MetricFactory(board=board, name="AUC", baseline=0.8)
    board.save()
    return board


# --- the gain bar: 0 to 100 %, both ends accepted ---------------------------------------------

GAIN_BAR_MESSAGE = (
    "Enter a gain bar from 0 to 100 %: 0 % means any improvement over the baseline is enough, "
    "100 % asks for an improvement as large as the baseline itself."
)


@pytest.mark.parametrize("value", [0, 0.0, 0.01, 100, 99.99])
def test_board_create_accepts_gain_bars_from_0_to_100(manager, value):
    board = services.board_create(
        project=ProjectFactory(), title="B", gain_bar=value, actor=manager
    )
    assert board.gain_bar == value


@pytest.mark.parametrize("value", [-0.01, 100.01, 2_000])
def test_board_create_refuses_gain_bars_outside_0_to_100_saying_what_the_ends_mean(manager, value):
    with pytest.raises(ValidationError) as error:
        services.board_create(project=ProjectFactory(), title="B", gain_bar=value, actor=manager)
    assert error.value.message_dict == {"gain_bar": [GAIN_BAR_MESSAGE]}
    assert not Board.objects.exists()


@pytest.mark.parametrize(("value", "ok"), [(100, True), (0, True), (100.01, False), (-0.01, False)])
def test_board_update_holds_the_same_gain_bar_range(manager, value, ok):
    board = BoardFactory(gain_bar=2.0)
    if ok:
        assert services.board_update(board=board, actor=manager, gain_bar=value).gain_bar == value
        return
    with pytest.raises(ValidationError) as error:
        services.board_update(board=board, actor=manager, gain_bar=value)
    assert error.value.message_dict == {"gain_bar": [GAIN_BAR_MESSAGE]}
    board.refresh_from_db()
    assert board.gain_bar == 2.0


@pytest.mark.parametrize(
    ("value", "stored"), [(100, True), (0, True), (100.01, False), (-0.01, False)]
)
def test_the_table_holds_the_gain_bar_range(value, stored):
    board = BoardFactory(gain_bar=2.0)
    if stored:
        Board.objects.filter(pk=board.pk).update(gain_bar=value)
        return
    with pytest.raises(IntegrityError), transaction.atomic():
        Board.objects.filter(pk=board.pk).update(gain_bar=value)


def test_form_and_serializer_state_the_same_gain_bar_range():
    for field in (
        BoardForm.base_fields["gain_bar"],
        BoardSettingsForm.base_fields["gain_bar"],
        BoardCreateSerializer().fields["gain_bar"],
        BoardUpdateSerializer().fields["gain_bar"],
    ):
        assert (field.min_value, field.max_value) == (0, 100)


@pytest.mark.parametrize(("value", "ok"), [(100.01, False), (-0.01, False), (100, True), (0, True)])
def test_api_gain_bar_400_carries_the_service_message(api_as, manager, value, ok):
    payload = {"project": ProjectFactory().slug, "title": f"Churn {value}", "gain_bar": value}
    response = api_as(manager).post("/api/v1/boards/", payload, format="json")
    if ok:
        assert response.status_code == 201
        board_id = response.json()["id"]
        update = api_as(manager).patch(
            f"/api/v1/boards/{board_id}/", {"gain_bar": value}, format="json"
        )
        assert update.status_code == 200
        return
    assert response.status_code == 400
    assert response.json() == {"gain_bar": [GAIN_BAR_MESSAGE]}
    board = BoardFactory()
    update = api_as(manager).patch(
        f"/api/v1/boards/{board.pk}/", {"gain_bar": value}, format="json"
    )
    assert (update.status_code, update.json()) == (400, {"gain_bar": [GAIN_BAR_MESSAGE]})


@pytest.mark.parametrize(
    ("value", "ok"), [("100.01", False), ("-0.01", False), ("100", True), ("0", True)]
)
def test_board_settings_form_shows_the_gain_bar_message(client, manager, board, value, ok):
    client.force_login(manager)
    url = reverse("research:board-settings", args=[board.pk])
    response = client.post(url, {"title": board.title, "gain_bar": value})
    if ok:
        assert response.status_code == 302
        board.refresh_from_db()
        assert board.gain_bar == float(value)
        return
    assert response.status_code == 400
    assert response.context["form"].errors == {"gain_bar": [GAIN_BAR_MESSAGE]}
    assert "100 % asks for an improvement as large as the baseline itself." in (
        response.content.decode()
    )


# --- reading note (500) and source (100) ------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "limit", "message"),
    [
        ("note", 500, "Enter text of at most 500 characters."),
        ("source", 100, "Enter text of at most 100 characters (e.g. a run id)."),
    ],
)
def test_reading_note_and_source_lengths_in_both_services(member, board, field, limit, message):
    idea = IdeaFactory(board=board, owner=member)
    metric = board.primary_metric
    services.reading_create(
        idea=idea, metric=metric, value=0.8, actor=member, **{field: "x" * limit}
    )
    with pytest.raises(ValidationError) as error:
        services.reading_create(
            idea=idea, metric=metric, value=0.8, actor=member, **{field: "x" * (limit + 1)}
        )
    assert error.value.message_dict == {field: [message]}
    item = {"idea": idea.pk, "metric": metric.pk, "value": 0.8}
    assert services.readings_ingest(items=[{**item, field: "y" * limit}], actor=member) == 1
    with pytest.raises(services.ReadingsInvalid) as invalid:
        services.readings_ingest(items=[{**item, field: "y" * (limit + 1)}], actor=member)
    assert invalid.value.errors == {"0": {field: [message]}}
    assert Reading.objects.count() == 2


def test_reading_note_and_source_lengths_in_the_model_serializer_and_form():
    assert Reading._meta.get_field("note").max_length == 500
    assert Reading._meta.get_field("source").max_length == 100
    fields = ReadingCreateSerializer().fields
    assert (fields["note"].max_length, fields["source"].max_length) == (500, 100)
    assert ReadingForm.base_fields["note"].max_length == 500


# --- the drop reason: at most 2,000 characters ------------------------------------------------


def test_idea_transition_caps_the_drop_reason_at_2000(member):
    idea = IdeaFactory(owner=member)
    with pytest.raises(ValidationError) as error:
        services.idea_transition(idea=idea, to=Status.DROPPED, reason="r" * 2001, actor=member)
    assert error.value.message_dict == {"reason": ["Keep the reason to 2,000 characters or fewer."]}
    assert Idea.objects.get(pk=idea.pk).status == Status.PROPOSED
    moved = services.idea_transition(idea=idea, to=Status.DROPPED, reason="r" * 2000, actor=member)
    assert moved.dropped_reason == "r" * 2000


def test_api_and_board_refuse_a_drop_reason_over_2000(client, api_as, member):
    idea = IdeaFactory(owner=member)
    url = f"/api/v1/ideas/{idea.pk}/transition/"
    response = api_as(member).post(url, {"to": "dropped", "reason": "r" * 2001}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    client.force_login(member)
    response = client.post(
        reverse("research:idea-move", args=[idea.pk]),
        {"to": "dropped", "reason": "r" * 2001},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"error": "Keep the reason to 2,000 characters or fewer."}
    assert Idea.objects.get(pk=idea.pk).status == Status.PROPOSED
    assert MoveForm.base_fields["reason"].max_length == 2000


# --- the move form does not restate the transition table --------------------------------------


def test_move_form_offers_the_allowed_moves_and_leaves_refusing_to_the_service():
    idea = IdeaFactory(status=Status.PROPOSED)
    form = MoveForm({"to": "promoted"}, idea=idea)
    assert [value for value, _ in form.fields["to"].widget.choices] == ["exploring", "dropped"]
    assert form.is_valid(), form.errors


def test_an_illegal_move_is_refused_with_the_service_message(client, member):
    idea = IdeaFactory(owner=member, status=Status.PROPOSED, title="Trees")
    client.force_login(member)
    response = client.post(
        reverse("research:idea-move", args=[idea.pk]),
        {"to": "shortlisted"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "An idea that is proposed cannot move to shortlisted; it can move to: "
        "exploring, dropped."
    }


# --- service refusals reach the pages' forms --------------------------------------------------


def test_project_boards_shows_the_services_duplicate_title_message(client, manager):
    project = ProjectFactory()
    BoardFactory(project=project, title="Churn")
    client.force_login(manager)
    response = client.post(
        reverse("research:project-boards", args=[project.slug]),
        {
            "title": "Churn",
            "gain_bar": "2",
            "metric_name": "AUC",
            "metric_direction": "higher",
            "metric_baseline": "0.8",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors  # the service's uniqueness refusal, on the form
    assert Board.objects.filter(project=project).count() == 1


def test_board_settings_shows_the_services_duplicate_title_message(client, manager, board):
    BoardFactory(project=board.project, title="Taken")
    client.force_login(manager)
    response = client.post(
        reverse("research:board-settings", args=[board.pk]), {"title": "Taken", "gain_bar": "3"}
    )
    assert response.status_code == 400 and response.context["form"].errors
    board.refresh_from_db()
    assert board.gain_bar == 2.0


def test_board_settings_with_no_primary_metric_keeps_the_current_one(client, manager, board):
    client.force_login(manager)
    url = reverse("research:board-settings", args=[board.pk])
    response = client.post(url, {"title": board.title, "gain_bar": "3", "primary_metric": ""})
    assert response.status_code == 302
    refreshed = Board.objects.get(pk=board.pk)
    assert (refreshed.gain_bar, refreshed.primary_metric_id) == (3.0, board.primary_metric_id)


def test_metric_form_shows_the_services_duplicate_name_message(client, manager, board):
    client.force_login(manager)
    response = client.post(
        reverse("research:board-metric-create", args=[board.pk]),
        {"name": "AUC", "direction": "higher", "baseline": "0.5"},
    )
    assert response.status_code == 400 and response.context["form"].errors
    assert board.metrics.count() == 1


def test_editing_an_idea_with_no_owner_chosen_keeps_the_owner(client, manager, member):
    idea = IdeaFactory(owner=member, title="Old")
    client.force_login(manager)
    response = client.post(
        reverse("research:idea-edit", args=[idea.pk]),
        {"title": "New", "hypothesis": "", "maturity": "idea", "owner": ""},
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert (idea.title, idea.owner) == ("New", member)


def test_reading_form_shows_the_services_refusal(client, member, board):
    idea = IdeaFactory(board=board, owner=member)
    client.force_login(member)
    response = client.post(
        reverse("research:idea-reading-create", args=[idea.pk]),
        {"metric": board.primary_metric.pk, "value": "0.8", "recorded_at": "2999-01-01T00:00"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["recorded_at"] == [
        "A reading cannot be recorded in the future."
    ]
    assert not Reading.objects.exists()


# --- people: picked and named the accounts app's way ------------------------------------------


def test_idea_and_task_owner_pickers_are_the_accounts_picker_of_active_people():
    active = UserFactory(first_name="Ada", last_name="Lovelace")
    gone = UserFactory(is_active=False)
    idea_owner = IdeaForm(can_assign=True).fields["owner"]
    task_owner = TaskForm().fields["owner"]
    for field in (idea_owner, task_owner):
        assert isinstance(field, PersonChoiceField)
        labels = dict(field.choices)
        assert labels[active.pk] == "Ada Lovelace" and gone.pk not in labels
    assert "owner" not in IdeaForm(can_assign=False).fields


def test_research_templates_name_people_with_person_name():
    """Names come from ``person_label`` (through ``|person_name``), never built by hand."""
    for template in TEMPLATES.glob("*.html"):
        assert "get_full_name" not in template.read_text(), template.name


def test_pages_show_full_names_or_usernames(client, manager):
    named = UserFactory(first_name="Grace", last_name="Hopper")
    bare = UserFactory(username="nofullname", first_name="", last_name="")
    idea = IdeaFactory(owner=named)
    Task.objects.create(idea=idea, owner=bare, title="Ship it")
    client.force_login(manager)
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "Owner: Grace Hopper" in page and "· nofullname</small>" in page
    board = client.get(idea.board.get_absolute_url()).content.decode()
    assert "Grace Hopper</span>" in board


# --- selectors the idea views read through ----------------------------------------------------


def test_idea_has_tasks(member):
    idea = IdeaFactory(owner=member)
    assert selectors.idea_has_tasks(idea) is False
    Task.objects.create(idea=idea, title="Build")
    assert selectors.idea_has_tasks(idea) is True
