"""The flags API: the list with the shared FilterSet and ordering, raising, editing, the
transition action, the figures, and every refusal as a clear 400/403/409."""

import datetime

import pytest
from django.utils import timezone

from flags import services
from flags.models import Flag
from tests.factories import FlagFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/flags/"


def test_raise_a_flag(api_as, scientist, project, idea, owner):
    response = api_as(scientist).post(
        URL,
        {
            "project": project.pk,
            "title": "Clickstream feed",
            "kind": "data_pipeline",
            "severity": "critical",
            "idea": idea.pk,
            "owner": owner.pk,
            "external_blocker": "Platform team",
            "description": "We need *events*.",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["raised_in_phase"] == "prototype"
    assert body["status"] == "open"
    assert body["allowed_transitions"] == ["acknowledged"]
    assert (body["idea_title"], body["owner_name"]) == ("Sequence model", owner.get_full_name())
    assert body["overdue"] is False


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "plumbing"}, "kind"),
        ({"severity": "extreme"}, "severity"),
        ({"title": ""}, "title"),
        ({"title": 7}, "title"),
        ({"project": 999999}, "project"),
        ({"due_date": "2001-01-01"}, "due_date"),
        ({"due_date": "tomorrow"}, "due_date"),
        ({"external_blocker": "javascript:alert(1)//x"}, "external_blocker"),
    ],
)
def test_bad_input_is_a_400_with_field_messages(api_as, scientist, project, payload, field):
    body = {"project": project.pk, "title": "X", **payload}
    response = api_as(scientist).post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Flag.objects.exists()


def test_an_inactive_owner_gets_the_services_message(api_as, scientist, project):
    gone = UserFactory(is_active=False)
    response = api_as(scientist).post(
        URL, {"project": project.pk, "title": "X", "owner": gone.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["owner"] == ["Choose someone whose account is active."]


def test_a_viewer_gets_a_403_before_the_body_is_read(api_as, viewer):
    response = api_as(viewer).post(URL, {}, format="json")
    assert response.status_code == 403
    assert "member role" in response.json()["detail"]


def test_changing_the_recorded_phase_is_refused(api_as, manager, flag):
    response = api_as(manager).patch(
        f"{URL}{flag.pk}/", {"raised_in_phase": "research", "title": "New"}, format="json"
    )
    assert response.status_code == 400
    assert "recorded when it is raised" in response.json()["raised_in_phase"][0]
    flag.refresh_from_db()
    assert (flag.raised_in_phase, flag.title) == ("prototype", "Needs a clickstream feed")


def test_edit_a_flag(api_as, scientist, flag):
    response = api_as(scientist).patch(f"{URL}{flag.pk}/", {"severity": "low"}, format="json")
    assert response.status_code == 200
    assert response.json()["severity"] == "low"


def test_someone_elses_flag_is_a_403(api_as, bystander, flag):
    response = api_as(bystander).patch(f"{URL}{flag.pk}/", {"severity": "low"}, format="json")
    assert response.status_code == 403


def test_transition_needs_a_note_to_resolve_and_answers_409_on_a_lost_race(api_as, engineer, flag):
    api = api_as(engineer)
    assert (
        api.post(f"{URL}{flag.pk}/transition/", {"to": "acknowledged"}, format="json").status_code
        == 200
    )
    again = api.post(f"{URL}{flag.pk}/transition/", {"to": "acknowledged"}, format="json")
    assert again.status_code == 409
    stale = api.post(
        f"{URL}{flag.pk}/transition/",
        {"to": "resolved", "note": "x", "expected_from": "open"},
        format="json",
    )
    assert stale.status_code == 409
    no_note = api.post(f"{URL}{flag.pk}/transition/", {"to": "resolved"}, format="json")
    assert no_note.status_code == 400
    assert "note" in no_note.json()
    unknown = api.post(f"{URL}{flag.pk}/transition/", {"to": "closed"}, format="json")
    assert unknown.status_code == 400
    assert "to" in unknown.json()


def test_list_filters_and_orders(api_as, viewer, project, scientist):
    other = ProjectFactory()
    critical = services.flag_raise(project=project, title="C", severity="critical", actor=scientist)
    low = services.flag_raise(project=project, title="L", severity="low", actor=scientist)
    services.flag_raise(project=other, title="O", severity="high", actor=scientist)
    old = FlagFactory(
        project=project, title="Old", opened_at=timezone.now() - datetime.timedelta(days=5)
    )
    api = api_as(viewer)

    def titles(query: str) -> list[str]:
        response = api.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return [row["title"] for row in response.json()["results"]]

    assert titles(f"project={project.pk}&ordering=-severity") == ["C", "Old", "L"]
    assert titles("severity=critical") == ["C"]
    assert titles("overdue=true") == ["Old"]
    assert sorted(titles("overdue=false")) == ["C", "L", "O"]
    assert titles(f"project={project.pk}&ordering=raised")[0] == "C"
    assert titles("project=424242") == []
    assert {critical.pk, low.pk, old.pk} <= {row["id"] for row in api.get(URL).json()["results"]}


@pytest.mark.parametrize(
    "query",
    [
        "kind=plumbing",
        "severity=huge",
        "status=closed",
        "ordering=colour",
        "overdue=maybe",
        "project=abc",
    ],
)
def test_bad_filters_are_400s(api_as, viewer, query):
    assert api_as(viewer).get(f"{URL}?{query}").status_code == 400


def test_stats_endpoint(api_as, viewer, flag):
    response = api_as(viewer).get(f"{URL}stats/")
    assert response.status_code == 200
    body = response.json()
    assert body["raised"]["total"] == 1
    assert body["raised"]["early_share"] == 1.0
    one = api_as(viewer).get(
        f"{URL}stats/?project={flag.project_id}&start=2020-01-01&end=2024-12-31"
    )
    assert one.json()["raised"]["total"] == 0


@pytest.mark.parametrize(
    "query",
    [
        "start=yesterday",
        "start=2026-02-01&end=2026-01-01",
        "start=0001-01-01&end=0001-02-01",
        "start=2000-01-01&end=2026-01-01",
        "project=abc",
        "start=",
    ],
)
def test_stats_refuse_bad_periods(api_as, viewer, query):
    response = api_as(viewer).get(f"{URL}stats/?{query}")
    assert response.status_code == 400
