"""The data-gaps API: wiring, permissions per role and bad input answered with 400/403 and
field messages, never a 500, never half-written."""

import datetime

import pytest

from activity.models import Activity
from datagaps.models import DataGap
from tests.factories import BoardFactory, DataGapFactory, IdeaFactory

from .helpers import request_in

pytestmark = pytest.mark.django_db
URL = "/api/v1/data-gaps/"


def _payload(target, **extra) -> dict:
    body = {"project": target.pk, "title": "Event-level clickstream", "data_needed": "Clicks."}
    body.update(extra)
    return body


def test_a_member_files_a_request(api_as, scientist, project):
    response = api_as(scientist).post(URL, _payload(project, urgency="high"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["urgency"], body["requester"]) == ("open", "high", scientist.pk)
    assert body["allowed_transitions"] == ["triaged", "declined", "duplicate"]
    assert body["overdue"] is False


def test_a_viewer_cannot_file_even_an_empty_body(api_as, viewer):
    response = api_as(viewer).post(URL, {}, format="json")
    assert response.status_code == 403
    assert "member role" in response.json()["detail"]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"needed_by": "2001-01-01"}, "needed_by"),
        ({"urgency": "whenever"}, "urgency"),
        ({"title": ""}, "title"),
        ({"title": 7}, "title"),
        ({"project": 999999}, "project"),
        ({"data_needed": "a\u0000b"}, "data_needed"),
    ],
)
def test_bad_input_is_a_field_message_and_writes_nothing(api_as, scientist, project, extra, field):
    response = api_as(scientist).post(URL, _payload(project, **extra), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not DataGap.objects.exists() and not Activity.objects.exists()


def test_a_needed_by_date_of_today_is_accepted(api_as, scientist, project):
    today = datetime.date.today().isoformat()
    response = api_as(scientist).post(URL, _payload(project, needed_by=today), format="json")
    assert response.status_code == 201


def test_an_idea_of_another_project_is_a_400(api_as, scientist, project):
    idea = IdeaFactory(board=BoardFactory())
    response = api_as(scientist).post(URL, _payload(project, idea=idea.pk), format="json")
    assert response.status_code == 400 and "idea" in response.json()


def test_editing_someone_elses_request_is_a_403(api_as, scientist, other_scientist):
    gap = DataGapFactory(requester=other_scientist)
    response = api_as(scientist).patch(f"{URL}{gap.pk}/", {"title": "Mine"}, format="json")
    assert response.status_code == 403
    assert "requester" in response.json()["detail"]
    assert DataGap.objects.get(pk=gap.pk).title == gap.title


def test_the_requester_edits_and_a_data_engineer_assigns(api_as, scientist, dataeng):
    gap = DataGapFactory(requester=scientist)
    edited = api_as(scientist).patch(f"{URL}{gap.pk}/", {"title": "New"}, format="json")
    assert edited.status_code == 200
    response = api_as(dataeng).patch(f"{URL}{gap.pk}/", {"assignee": dataeng.pk}, format="json")
    assert response.status_code == 200 and response.json()["assignee"] == dataeng.pk
    refused = api_as(scientist).patch(f"{URL}{gap.pk}/", {"assignee": None}, format="json")
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to": "closed"}, "to"),
        ({"to": "declined"}, "reason"),
        ({"to": "declined", "reason": ""}, "reason"),
        ({"to": "duplicate"}, "duplicate_of"),
        ({"to": "duplicate", "duplicate_of": 999999}, "duplicate_of"),
        ({"to": "delivered"}, "to"),
    ],
)
def test_refused_moves_are_400s_with_field_messages(api_as, dataeng, body, field):
    gap = request_in("open")
    response = api_as(dataeng).post(f"{URL}{gap.pk}/transition/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert DataGap.objects.get(pk=gap.pk).status == "open"


def test_a_self_duplicate_and_a_cycle_are_400s(api_as, dataeng):
    first, second = request_in("open"), request_in("open")
    api = api_as(dataeng)
    own = api.post(
        f"{URL}{first.pk}/transition/", {"to": "duplicate", "duplicate_of": first.pk}, format="json"
    )
    assert own.status_code == 400 and "itself" in own.json()["duplicate_of"][0]
    linked = api.post(
        f"{URL}{second.pk}/transition/",
        {"to": "duplicate", "duplicate_of": first.pk},
        format="json",
    )
    assert linked.status_code == 200
    cycle = api.post(
        f"{URL}{first.pk}/transition/",
        {"to": "duplicate", "duplicate_of": second.pk},
        format="json",
    )
    assert cycle.status_code == 400 and "cycle" in cycle.json()["duplicate_of"][0]
    body = api.get(f"{URL}{first.pk}/").json()
    assert body["duplicates"] == [second.pk]
    assert api.get(f"{URL}{second.pk}/").json()["duplicate_of"] == first.pk


@pytest.mark.parametrize("who", ["scientist", "viewer"])
def test_members_and_viewers_cannot_triage(api_as, request, who):
    user = request.getfixturevalue(who)
    gap = request_in("open")
    response = api_as(user).post(f"{URL}{gap.pk}/transition/", {"to": "triaged"}, format="json")
    assert response.status_code == 403
    assert DataGap.objects.get(pk=gap.pk).status == "open"


def test_a_stale_expected_from_is_a_409(api_as, dataeng):
    gap = request_in("triaged")
    response = api_as(dataeng).post(
        f"{URL}{gap.pk}/transition/", {"to": "in_progress", "expected_from": "open"}, format="json"
    )
    assert response.status_code == 409


def test_watch_snooze_and_similar(api_as, scientist, dataeng):
    gap = DataGapFactory(
        title="Event-level clickstream from the web", data_needed="Clicks and page views."
    )
    other = DataGapFactory(title="Clickstream events per session", data_needed="Clicks.")
    api = api_as(scientist)
    assert api.post(f"{URL}{gap.pk}/watch/").json()["watchers"] == [scientist.pk]
    assert api.post(f"{URL}{gap.pk}/unwatch/").json()["watchers"] == []
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    assert api.post(f"{URL}{gap.pk}/snooze/", {"until": tomorrow}, format="json").status_code == 403
    snoozed = api_as(dataeng).post(f"{URL}{gap.pk}/snooze/", {"until": tomorrow}, format="json")
    assert snoozed.json()["snoozed"] is True
    similar = api.get(f"{URL}{gap.pk}/similar/").json()
    assert [row["id"] for row in similar] == [other.pk]
    typed = api.get(f"{URL}similar/", {"q": "clickstream per session"}).json()
    assert typed[0]["id"] == other.pk and 0 < typed[0]["similarity"] <= 1
    assert api.get(f"{URL}similar/", {"q": ""}).json() == []
    assert api.get(f"{URL}similar/").status_code == 400
    assert api.get(f"{URL}similar/", {"q": "x" * 2001}).status_code == 400


def test_the_list_filters_like_the_queue(api_as, viewer, dataeng):
    mine = DataGapFactory(assignee=dataeng, status="triaged", first_triaged_at=None)
    late = DataGapFactory(needed_by=datetime.date.today() - datetime.timedelta(days=1))
    request_in("delivered")
    api = api_as(viewer)
    assert [r["id"] for r in api.get(URL, {"assignee": dataeng.pk}).json()["results"]] == [mine.pk]
    assert [r["id"] for r in api.get(URL, {"overdue": "true"}).json()["results"]] == [late.pk]
    active = api.get(URL + "?status=open&status=triaged").json()["results"]
    assert {r["id"] for r in active} == {mine.pk, late.pk}
    assert api.get(URL, {"overdue": "maybe"}).status_code == 400
    assert api.get(URL, {"status": "closed"}).status_code == 400


def test_recurring_and_stats(api_as, viewer):
    DataGapFactory(title="Event-level clickstream", data_needed="Clicks per session.")
    DataGapFactory(title="Clickstream events per session", data_needed="Clicks per session.")
    api = api_as(viewer)
    groups = api.get(f"{URL}recurring/").json()
    assert len(groups) == 1 and groups[0]["count"] == 2
    assert len(groups[0]["projects"]) == 2 and groups[0]["status_mix"] == {"open": 2}
    stats = api.get(f"{URL}stats/").json()
    assert stats["untriaged"] == 2 and len(stats["months"]) == 12
