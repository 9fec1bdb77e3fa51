"""The activity log's event types are a fixed enumeration and part of the API contract: the
schema lists them as an enum, the API filter, the service and the database all refuse any
other value, and the log is an audit record the admin cannot change or delete."""

import pytest
from django.db import IntegrityError, transaction

from activity.models import Activity, EventType
from activity.services import activity_record
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

# Digests and webhooks subscribe to these names: they may be added to, never renamed or
# removed. Pinned literally so a rename fails here.
CONTRACT = {
    "project.created",
    "project.updated",
    "project.phase_changed",
    "target.created",
    "target.updated",
    "target.deleted",
    "target.reordered",
    "rotation.created",
    "rotation.placeholder_created",
    "rotation.placeholder_filled",
    "rotation.updated",
    "rotation.deleted",
    "rotation.ended",
    "rotation.takeaway_requested",
    "takeaway.created",
    "takeaway.updated",
    "takeaway.deleted",
    "token.created",
    "token.revoked",
    "board.created",
    "board.updated",
    "metric.created",
    "metric.updated",
    "idea.created",
    "idea.updated",
    "idea.moved",
    "idea.promoted",
    "idea.reordered",
    "task.created",
    "task.updated",
    "task.completed",
    "reading.created",
    "reading.bulk_recorded",
    "reading.deleted",
    "datagap.filed",
    "datagap.updated",
    "datagap.assigned",
    "datagap.triaged",
    "datagap.started",
    "datagap.delivered",
    "datagap.declined",
    "datagap.duplicated",
    "datagap.reopened",
    "datagap.snoozed",
    "datagap.watched",
    "datagap.unwatched",
    "flag.raised",
    "flag.updated",
    "flag.acknowledged",
    "flag.resolved",
    "flag.risk_accepted",
    "flag.reopened",
    "flag.escalated",
}


def test_published_event_types_are_never_renamed_or_removed():
    missing = CONTRACT - set(EventType.values)
    assert not missing, f"Published event types are gone (add, never rename): {missing}"


@pytest.fixture
def schema(client, viewer):
    client.force_login(viewer)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_has_the_event_type_enum_with_exactly_the_event_types(schema):
    enum = schema["components"]["schemas"]["EventTypeEnum"]
    assert enum["type"] == "string"
    assert enum["enum"] == list(EventType.values)
    assert set(enum["enum"]) >= CONTRACT


def test_the_activity_api_documents_event_as_that_enum(schema):
    event = schema["components"]["schemas"]["Activity"]["properties"]["event"]
    assert event["allOf"] == [{"$ref": "#/components/schemas/EventTypeEnum"}]
    (param,) = [
        p for p in schema["paths"]["/api/v1/activity/"]["get"]["parameters"] if p["name"] == "event"
    ]
    assert sorted(param["schema"]["items"]["enum"]) == sorted(EventType.values)


def test_the_event_filter_accepts_a_known_event_type(api_as, viewer):
    project = ProjectFactory()
    activity_record(actor=viewer, event=EventType.PROJECT_UPDATED, target=project, project=project)
    activity_record(actor=viewer, event=EventType.TARGET_CREATED, target=project, project=project)
    api = api_as(viewer)
    response = api.get("/api/v1/activity/", {"event": "target.created"})
    assert response.status_code == 200
    assert [row["event"] for row in response.json()["results"]] == ["target.created"]
    both = api.get("/api/v1/activity/?event=target.created&event=project.updated").json()
    assert sorted(row["event"] for row in both["results"]) == ["project.updated", "target.created"]


@pytest.mark.parametrize("value", ["nope", "changed phase", "PROJECT.CREATED", "project"])
def test_the_event_filter_refuses_an_unknown_event_type_with_a_400(api_as, viewer, value):
    response = api_as(viewer).get("/api/v1/activity/", {"event": value})
    assert response.status_code == 400
    assert list(response.json()) == ["event"]
    assert value in response.json()["event"][0]


@pytest.mark.parametrize("value", ["nope", "changed phase", ""])
def test_activity_record_refuses_an_unknown_event_type(viewer, value):
    with pytest.raises(ValueError, match="Unknown activity event type"):
        activity_record(actor=viewer, event=value)
    assert not Activity.objects.exists()


def test_activity_record_accepts_every_event_type(viewer):
    for event in EventType:
        activity_record(actor=viewer, event=event)
    assert Activity.objects.count() == len(EventType)


def test_the_database_refuses_an_unknown_event_type():
    with pytest.raises(IntegrityError, match="activity_event_valid"), transaction.atomic():
        Activity.objects.create(event="changed phase")
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.bulk_create([Activity(event="nope")])
    Activity.objects.create(event=EventType.PROJECT_CREATED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.update(event="bogus")
    assert list(Activity.objects.values_list("event", flat=True)) == ["project.created"]


# --- the admin: read-only, undeletable -------------------------------------------------------


def test_the_activity_admin_lists_but_never_adds_edits_or_deletes(client, admin_user):
    project = ProjectFactory()
    event = activity_record(
        actor=admin_user, event=EventType.PROJECT_UPDATED, target=project, project=project
    )
    client.force_login(admin_user)
    listing = client.get("/admin/activity/activity/")
    assert listing.status_code == 200
    assert project.name in listing.content.decode()
    assert 'value="delete_selected"' not in listing.content.decode()
    assert client.get("/admin/activity/activity/add/").status_code == 403
    assert client.post("/admin/activity/activity/add/", {"event": "nope"}).status_code == 403
    assert client.get(f"/admin/activity/activity/{event.pk}/delete/").status_code == 403
    assert (
        client.post(f"/admin/activity/activity/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    client.post(
        "/admin/activity/activity/", {"action": "delete_selected", "_selected_action": [event.pk]}
    )
    change = client.post(
        f"/admin/activity/activity/{event.pk}/change/", {"event": "project.created"}
    )
    assert change.status_code == 403
    event.refresh_from_db()
    assert event.event == EventType.PROJECT_UPDATED
    assert Activity.objects.count() == 1
