"""The projects API: round trips, validation as 400 with field messages, permissions, filters."""

import datetime

import pytest

from activity.models import Activity, EventType
from projects.models import Phase, PhaseChange, Project, Rotation, Takeaway
from tests.factories import (
    ProjectFactory,
    RotationFactory,
    TakeawayFactory,
    TargetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def days(n: int) -> str:
    return (TODAY + datetime.timedelta(days=n)).isoformat()


def test_anonymous_gets_401(api_client):
    assert api_client.get("/api/v1/projects/").status_code == 401


def test_project_round_trip(api_as, manager):
    api = api_as(manager)
    pm = UserFactory()
    response = api.post(
        "/api/v1/projects/",
        {
            "name": "Lookalike audiences",
            "summary": "Find customers like our best ones.",
            "customer_value": "Cheaper acquisition.",
            "product_manager": pm.pk,
            "target_release": days(90),
            "health": "at_risk",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "lookalike-audiences"
    assert body["phase"] == "research"
    assert body["allowed_phases"] == ["prototype", "archived"]
    project_id = body["id"]
    response = api.patch(f"/api/v1/projects/{project_id}/", {"health": "on_track"})
    assert response.status_code == 200
    assert response.json()["health"] == "on_track"
    assert api.get(f"/api/v1/projects/{project_id}/").json()["name"] == "Lookalike audiences"


def test_project_phase_is_read_only_in_the_serializer(api_as, manager):
    project = ProjectFactory()
    response = api_as(manager).patch(f"/api/v1/projects/{project.pk}/", {"phase": "released"})
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.phase == Phase.RESEARCH


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"name": ""}, "name"),
        ({"name": "X", "health": "great"}, "health"),
        ({"name": "X", "target_release": "2026-02-30"}, "target_release"),
        ({"name": "X", "product_manager": 999999}, "product_manager"),
    ],
)
def test_project_bad_input_is_a_400_with_field_messages(api_as, manager, payload, field):
    response = api_as(manager).post("/api/v1/projects/", payload)
    assert response.status_code == 400
    assert field in response.json()
    assert not Project.objects.exists()


def test_duplicate_slug_is_a_400(api_as, manager):
    ProjectFactory(slug="clv")
    response = api_as(manager).post("/api/v1/projects/", {"name": "CLV", "slug": "clv"})
    assert response.status_code == 400
    assert "slug" in response.json()


@pytest.mark.parametrize("role_fixture", ["viewer", "member"])
def test_only_managers_write_projects(api_as, request, role_fixture):
    api = api_as(request.getfixturevalue(role_fixture))
    project = ProjectFactory()
    assert api.get("/api/v1/projects/").status_code == 200
    assert api.post("/api/v1/projects/", {"name": "X"}).status_code == 403
    assert api.patch(f"/api/v1/projects/{project.pk}/", {"name": "Y"}).status_code == 403
    assert api.post(f"/api/v1/projects/{project.pk}/phase/", {"to": "prototype"}).status_code == 403


def test_phase_endpoint_gate_override_and_errors(api_as, manager):
    api = api_as(manager)
    project = ProjectFactory()
    url = f"/api/v1/projects/{project.pk}/phase/"
    response = api.post(url, {"to": "prototype"})
    assert response.status_code == 400
    assert "target" in " ".join(response.json()["to"])
    response = api.post(url, {"to": "released"})
    assert response.status_code == 400 and "to" in response.json()
    response = api.post(url, {"to": "nonsense"})
    assert response.status_code == 400 and "to" in response.json()
    response = api.post(url, {"to": "prototype", "note": "Spike", "override_reason": "Exploratory"})
    assert response.status_code == 200
    assert response.json()["phase"] == "prototype"
    assert PhaseChange.objects.get().override_reason == "Exploratory"


def test_phase_endpoint_404_for_unknown_project(api_as, manager):
    assert api_as(manager).post("/api/v1/projects/999999/phase/", {"to": "x"}).status_code == 404


def test_targets_round_trip_and_move(api_as, manager):
    api = api_as(manager)
    project = ProjectFactory()
    first = api.post("/api/v1/targets/", {"project": project.pk, "text": "Know churn"}).json()
    second = api.post(
        "/api/v1/targets/", {"project": project.pk, "text": "PM sees LTV", "kind": "scenario"}
    ).json()
    assert (first["position"], second["position"]) == (1, 2)
    moved = api.post(f"/api/v1/targets/{second['id']}/move/", {"direction": "up"}).json()
    assert moved["position"] == 1
    listed = api.get(f"/api/v1/targets/?project={project.pk}").json()["results"]
    assert [t["id"] for t in listed] == [second["id"], first["id"]]
    assert api.patch(f"/api/v1/targets/{first['id']}/", {"text": ""}).status_code == 400
    assert api.delete(f"/api/v1/targets/{first['id']}/").status_code == 204
    bad = api.post(f"/api/v1/targets/{second['id']}/move/", {"direction": "sideways"})
    assert bad.status_code == 400


def test_rotation_round_trip_with_warnings(api_as, manager):
    api = api_as(manager)
    person = UserFactory()
    RotationFactory(person=person, allocation=80, start=TODAY, planned_end=TODAY)
    project = ProjectFactory(target_release=TODAY + datetime.timedelta(days=10))
    response = api.post(
        "/api/v1/rotations/",
        {
            "person": person.pk,
            "project": project.pk,
            "role": "DS",
            "start": days(0),
            "allocation": 40,
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["planned_end"] == days(10)
    assert len(body["warnings"]) == 2
    response = api.patch(f"/api/v1/rotations/{body['id']}/", {"allocation": 20})
    assert response.status_code == 200
    assert response.json()["allocation"] == 20


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"allocation": 0}, "allocation"),
        ({"allocation": 101}, "allocation"),
        ({"start": "not-a-date"}, "start"),
        ({"start": days(5), "planned_end": days(1)}, "planned_end"),
        ({"role": ""}, "role"),
        ({"person": 999999}, "person"),
    ],
)
def test_rotation_bad_input_is_a_400(api_as, manager, changes, field):
    project = ProjectFactory()
    payload = {"person": UserFactory().pk, "project": project.pk, "role": "DS", "start": days(0)}
    payload.update(changes)
    response = api_as(manager).post("/api/v1/rotations/", payload)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Rotation.objects.exists()


def test_rotation_overlap_is_a_400(api_as, manager):
    existing = RotationFactory(start=TODAY, planned_end=TODAY + datetime.timedelta(days=30))
    response = api_as(manager).post(
        "/api/v1/rotations/",
        {
            "person": existing.person.pk,
            "project": existing.project.pk,
            "role": "DS",
            "start": days(10),
            "planned_end": days(20),
        },
    )
    assert response.status_code == 400
    assert "overlap" in response.json()["start"][0]


def test_rotation_filters(api_as, viewer):
    person = UserFactory()
    current = RotationFactory(person=person)
    RotationFactory(
        start=TODAY - datetime.timedelta(days=300), planned_end=TODAY - datetime.timedelta(days=200)
    )
    placeholder = RotationFactory(person=None)
    api = api_as(viewer)

    def ids(query):
        return {r["id"] for r in api.get(f"/api/v1/rotations/?{query}").json()["results"]}

    assert ids(f"person={person.pk}") == {current.pk}
    assert ids(f"active_on={days(0)}") == {current.pk, placeholder.pk}
    assert ids("placeholder=true") == {placeholder.pk}
    assert ids(f"project={current.project.pk}") == {current.pk}
    assert api.get("/api/v1/rotations/?active_on=yesterday").status_code == 400


def test_viewer_cannot_write_rotations(api_as, viewer):
    response = api_as(viewer).post("/api/v1/rotations/", {})
    assert response.status_code == 403
    assert response.json()["detail"] == "You need the manager role to plan rotations."


WRITE_MESSAGES = {
    "projects": "You need the manager role to create or edit projects.",
    "targets": "You need the manager role to edit targets.",
    "rotations": "You need the manager role to plan rotations.",
    "takeaways": "You need the member role to share takeaways.",
}


@pytest.mark.parametrize("kind", sorted(WRITE_MESSAGES))
def test_a_refused_write_is_a_403_with_the_services_words_before_any_input_check(
    api_as, viewer, kind
):
    """Empty or nonsense input from someone who may not write is a 403, never a 400."""
    rows = {
        "projects": ProjectFactory,
        "targets": TargetFactory,
        "rotations": RotationFactory,
        "takeaways": TakeawayFactory,
    }
    obj = rows[kind]()
    api = api_as(viewer)
    for response in (
        api.post(f"/api/v1/{kind}/", {}),
        api.post(f"/api/v1/{kind}/", {"start": "nonsense", "name": ""}),
        api.patch(f"/api/v1/{kind}/{obj.pk}/", {"allocation": "lots"}),
        api.put(f"/api/v1/{kind}/{obj.pk}/", {}),
    ):
        assert response.status_code == 403, response.content
        assert response.json()["detail"] == WRITE_MESSAGES[kind]
    if kind != "projects":  # projects are archived, not deleted (405)
        response = api.delete(f"/api/v1/{kind}/{obj.pk}/")
        assert response.status_code == 403
        assert response.json()["detail"] == WRITE_MESSAGES[kind]
        assert type(obj).objects.filter(pk=obj.pk).exists()


def test_actions_refuse_with_the_services_words_before_any_input_check(api_as, member):
    project, target = ProjectFactory(), TargetFactory()
    api = api_as(member)
    response = api.post(f"/api/v1/projects/{project.pk}/phase/", {})
    assert response.status_code == 403
    assert response.json()["detail"] == "You need the manager role to change a project's phase."
    response = api.post(f"/api/v1/targets/{target.pk}/move/", {"direction": "sideways"})
    assert response.status_code == 403
    assert response.json()["detail"] == "You need the manager role to edit targets."


def test_someone_elses_takeaway_is_refused_with_the_services_words(api_as, member):
    other = TakeawayFactory()
    response = api_as(member).patch(f"/api/v1/takeaways/{other.pk}/", {"title": "Mine"})
    assert response.status_code == 403
    assert response.json()["detail"] == "You can only change your own takeaways."


def test_takeaway_round_trip_and_ownership(api_as, member):
    api = api_as(member)
    response = api.post(
        "/api/v1/takeaways/",
        {
            "title": "Leakage",
            "text": "Check **time** splits <script>x</script>",
            "tags": ["ML", "Splits"],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["author"] == member.pk
    assert body["tags"] == ["ml", "splits"]
    assert "<strong>time</strong>" in body["html"] and "<script>" not in body["html"]
    assert [t["id"] for t in api.get("/api/v1/takeaways/?tag=ml").json()["results"]] == [body["id"]]
    assert api.get("/api/v1/takeaways/?tag=other").json()["count"] == 0
    other = TakeawayFactory()
    assert api.patch(f"/api/v1/takeaways/{other.pk}/", {"title": "Mine"}).status_code == 403
    assert api.delete(f"/api/v1/takeaways/{other.pk}/").status_code == 403
    assert Takeaway.objects.get(pk=other.pk).title != "Mine"


def test_viewer_cannot_share_takeaways(api_as, viewer):
    assert api_as(viewer).post("/api/v1/takeaways/", {"title": "x", "text": "y"}).status_code == 403


def test_people_and_activity_are_listed(api_as, viewer, manager):
    api_as(manager).post("/api/v1/projects/", {"name": "Telemetry"})
    api = api_as(viewer)
    people = api.get("/api/v1/people/?discipline=data_scientist").json()
    assert people["count"] >= 1
    activity = api.get("/api/v1/activity/").json()["results"]
    assert activity[0]["event"] == EventType.PROJECT_CREATED
    assert activity[0]["target_type"] == "project"
    project = Project.objects.get()
    assert api.get(f"/api/v1/activity/?project={project.pk}").json()["count"] == 1
    assert Activity.objects.count() == 1


def test_schema_is_served(api_as, viewer):
    response = api_as(viewer).get("/api/schema/")
    assert response.status_code == 200


# --- query budgets -----------------------------------------------------------------------


def _make_rows(kind: str, n: int) -> None:
    for _ in range(n):
        if kind == "projects":
            project = ProjectFactory()
            TargetFactory(project=project)
            RotationFactory(project=project)
            project.members.add(UserFactory())
        elif kind == "targets":
            TargetFactory()
        elif kind == "rotations":
            RotationFactory()
        elif kind == "people":
            UserFactory()
        elif kind == "takeaways":
            TakeawayFactory(project=ProjectFactory())
        elif kind == "activity":
            Activity.objects.create(
                event=EventType.PROJECT_UPDATED, actor=UserFactory(), project=ProjectFactory()
            )


LIST_BUDGETS = {
    "projects": 3,
    "targets": 2,
    "rotations": 2,
    "people": 2,
    "takeaways": 2,
    "activity": 2,
}


@pytest.mark.parametrize("size", [5, 50])
@pytest.mark.parametrize("kind", sorted(LIST_BUDGETS))
def test_list_endpoint_query_budget(api_as, viewer, django_assert_num_queries, kind, size):
    """Each list endpoint runs the same queries for 5 and for 50 rows."""
    _make_rows(kind, size)
    api = api_as(viewer)
    with django_assert_num_queries(LIST_BUDGETS[kind]):
        response = api.get(f"/api/v1/{kind}/")
    assert response.status_code == 200
    assert response.json()["count"] >= size


@pytest.mark.parametrize(
    "query, status",
    [
        ("person=0", 200),
        ("project=424242", 200),
        ("person=-5", 200),
        ("person=99999999999999999999999", 400),
        ("person=abc", 400),
        ("active_on=2026-02-30", 400),
        ("page=-3", 404),
    ],
)
def test_rotation_filters_never_500(api_as, viewer, query, status):
    response = api_as(viewer).get(f"/api/v1/rotations/?{query}")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    if status == 200:
        assert response.json()["count"] == 0


@pytest.mark.parametrize(
    "path", ["projects/0.5/", "targets/abc/move/", "rotations/99999999999999999999999/"]
)
def test_malformed_ids_are_json_404s(api_as, manager, path):
    api = api_as(manager)
    response = (
        api.get(f"/api/v1/{path}")
        if "move" not in path
        else api.post(f"/api/v1/{path}", {"direction": "up"})
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_projects_are_archived_not_deleted(api_as, admin_user):
    project = ProjectFactory()
    assert api_as(admin_user).delete(f"/api/v1/projects/{project.pk}/").status_code == 405
    assert Project.objects.filter(pk=project.pk).exists()


def test_phase_change_lost_race_is_a_409(api_as, manager):
    project = ProjectFactory(phase=Phase.IMPLEMENTATION)
    api = api_as(manager)
    url = f"/api/v1/projects/{project.pk}/phase/"
    first = api.post(url, {"to": "released", "expected_phase": "implementation"})
    assert first.status_code == 200
    second = api.post(url, {"to": "released", "expected_phase": "implementation"})
    assert second.status_code == 409
    assert "meanwhile" in second.json()["detail"]
    assert PhaseChange.objects.count() == 1


def test_rotation_dates_near_year_9999_are_a_400_and_nothing_changes(api_as, manager):
    rotation = RotationFactory(start=TODAY, planned_end=TODAY + datetime.timedelta(days=30))
    response = api_as(manager).patch(
        f"/api/v1/rotations/{rotation.pk}/", {"start": "9999-12-30", "planned_end": "9999-12-31"}
    )
    assert response.status_code == 400, response.content
    assert {"start", "planned_end"} <= set(response.json())
    rotation.refresh_from_db()
    assert rotation.start == TODAY


def test_rotation_create_accepts_an_actual_end_and_refuses_one_before_the_start(api_as, manager):
    api = api_as(manager)
    project, person = ProjectFactory(), UserFactory()
    payload = {"project": project.pk, "person": person.pk, "role": "DS", "start": days(-30)}
    response = api.post("/api/v1/rotations/", {**payload, "actual_end": days(-31)})
    assert response.status_code == 400, response.content
    assert "actual_end" in response.json()
    assert not Rotation.objects.exists()
    response = api.post("/api/v1/rotations/", {**payload, "actual_end": days(-2)})
    assert response.status_code == 201, response.content
    assert response.json()["actual_end"] == days(-2)


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/activity/?since=0001-01-01T00:00:00%2B05:00",
        "/api/v1/activity/?since=9999-12-31T23:59:59-05:00",
        "/api/v1/activity/?since=1899-12-31T00:00:00Z",
        "/api/v1/rotations/?active_on=0001-01-01",
        "/api/v1/rotations/?active_on=9999-12-31",
    ],
)
def test_date_filters_outside_the_sane_years_are_a_400(api_as, viewer, query):
    response = api_as(viewer).get(query)
    assert response.status_code == 400, response.content
    assert "1900" in str(response.json())


def test_date_filters_inside_the_sane_years_still_filter(api_as, viewer):
    api = api_as(viewer)
    assert api.get("/api/v1/activity/?since=1900-01-01T00:00:00%2B05:00").status_code == 200
    assert api.get("/api/v1/rotations/?active_on=9998-12-31").status_code == 200


def test_phase_gate_hint_is_under_the_override_reason_key(api_as, manager):
    project = ProjectFactory()
    body = api_as(manager).post(f"/api/v1/projects/{project.pk}/phase/", {"to": "prototype"}).json()
    assert "target" in " ".join(body["to"])
    assert not any("override" in message for message in body["to"])
    assert "reason" in " ".join(body["override_reason"])


def test_moving_a_target_deleted_after_the_fetch_is_a_400(api_as, manager, monkeypatch):
    from projects import services

    target = TargetFactory()
    real_move = services.target_move

    def delete_first(*, target, **kwargs):
        type(target).objects.filter(pk=target.pk).delete()  # a concurrent delete
        return real_move(target=target, **kwargs)

    monkeypatch.setattr(services, "target_move", delete_first)
    response = api_as(manager).post(f"/api/v1/targets/{target.pk}/move/", {"direction": "up"})
    assert response.status_code == 400, response.content
    assert "target" in response.json()
