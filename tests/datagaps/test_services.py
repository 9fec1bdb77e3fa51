"""The data-gap services: filing, editing, assigning, snoozing, watching and the rules of
each move (reasons, notes, duplicates, deliveries), who may make them, and what they record."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from activity.models import Activity
from core.exceptions import Conflict
from datagaps import services
from datagaps.models import DataGap, DataGapStatusChange
from datagaps.permissions import FILE, NOT_YOUR_REQUEST, TRIAGE
from tests.factories import BoardFactory, DataGapFactory, IdeaFactory, UserFactory

from .helpers import move_fields, request_in

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


def _file(actor, project, **kwargs):
    return services.datagap_create(
        project=project,
        title=kwargs.pop("title", "Event-level clickstream"),
        data_needed=kwargs.pop("data_needed", "Page views and clicks per session."),
        actor=actor,
        **kwargs,
    )


# --- filing -------------------------------------------------------------------------------


def test_filing_records_the_open_status_and_an_event(scientist, project):
    request = _file(scientist, project, urgency="high", unlocks="Session features.")
    assert (request.status, request.requester, request.urgency) == ("open", scientist, "high")
    change = DataGapStatusChange.objects.get(request=request)
    assert (change.from_status, change.to_status) == ("", "open")
    assert Activity.objects.get(target_id=request.pk).event == "datagap.filed"


def test_a_needed_by_date_of_today_is_taken_and_yesterday_is_refused(scientist, project):
    assert _file(scientist, project, needed_by=TODAY()).needed_by == TODAY()
    with pytest.raises(ValidationError) as refused:
        _file(scientist, project, needed_by=TODAY() - datetime.timedelta(days=1))
    assert "cannot be in the past" in refused.value.message_dict["needed_by"][0]
    assert DataGap.objects.count() == 1


def test_an_idea_of_another_project_is_refused(scientist, project):
    idea = IdeaFactory(board=BoardFactory())
    with pytest.raises(ValidationError) as refused:
        _file(scientist, project, idea=idea)
    assert "idea" in refused.value.message_dict
    assert _file(scientist, idea.board.project, idea=idea).idea == idea


@pytest.mark.parametrize("field", ["title", "data_needed"])
def test_blank_title_or_description_and_nul_are_field_messages(scientist, project, field):
    with pytest.raises(ValidationError) as refused:
        _file(scientist, project, **{field: "   "})
    assert field in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _file(scientist, project, **{field: "a\x00b"})
    assert field in refused.value.message_dict
    assert not DataGap.objects.exists()


def test_a_viewer_cannot_file(viewer, project):
    with pytest.raises(PermissionDenied) as refused:
        _file(viewer, project)
    assert FILE in str(refused.value)


# --- editing and assigning ----------------------------------------------------------------


def test_the_requester_edits_their_request(scientist, project):
    request = _file(scientist, project)
    services.datagap_update(request=request, actor=scientist, title="Clickstream v2")
    request.refresh_from_db()
    assert request.title == "Clickstream v2"
    assert Activity.objects.filter(event="datagap.updated").count() == 1


def test_another_member_cannot_edit_someone_elses_request(scientist, other_scientist, project):
    request = _file(scientist, project)
    with pytest.raises(PermissionDenied) as refused:
        services.datagap_update(request=request, actor=other_scientist, title="Mine now")
    assert str(refused.value) == NOT_YOUR_REQUEST
    assert DataGap.objects.get(pk=request.pk).title == "Event-level clickstream"


def test_a_data_engineer_edits_and_assigns_any_request(scientist, dataeng, project):
    request = _file(scientist, project)
    services.datagap_update(request=request, actor=dataeng, urgency="blocking", assignee=dataeng)
    request.refresh_from_db()
    assert (request.urgency, request.assignee) == ("blocking", dataeng)
    events = set(Activity.objects.values_list("event", flat=True))
    assert {"datagap.updated", "datagap.assigned"} <= events


def test_a_requester_cannot_assign(scientist, dataeng, project):
    request = _file(scientist, project)
    with pytest.raises(PermissionDenied) as refused:
        services.datagap_update(request=request, actor=scientist, assignee=dataeng)
    assert str(refused.value) == TRIAGE


def test_requests_go_to_data_engineers_only(scientist, other_scientist, dataeng, project):
    request = _file(scientist, project)
    with pytest.raises(ValidationError) as refused:
        services.datagap_assign(request=request, assignee=other_scientist, actor=dataeng)
    assert "data engineer" in refused.value.message_dict["assignee"][0]
    inactive = UserFactory(discipline="data_engineer", is_active=False)
    with pytest.raises(ValidationError):
        services.datagap_assign(request=request, assignee=inactive, actor=dataeng)
    assert DataGap.objects.get(pk=request.pk).assignee is None


def test_moving_the_needed_by_date_into_the_past_is_refused(scientist, project):
    request = _file(scientist, project)
    with pytest.raises(ValidationError) as refused:
        services.datagap_update(
            request=request, actor=scientist, needed_by=TODAY() - datetime.timedelta(days=1)
        )
    assert "needed_by" in refused.value.message_dict


def test_status_is_not_editable_by_update(dataeng):
    request = request_in("open")
    with pytest.raises(ValidationError) as refused:
        services.datagap_update(request=request, actor=dataeng, status="delivered")
    assert "status" in refused.value.message_dict


# --- who moves what -------------------------------------------------------------------------


@pytest.mark.parametrize("to", ["triaged", "declined", "duplicate"])
def test_a_member_who_is_not_a_data_engineer_cannot_triage(scientist, to):
    request = request_in("open", requester=scientist)
    with pytest.raises(PermissionDenied) as refused:
        services.datagap_transition(request=request, to=to, actor=scientist, **move_fields(to))
    assert str(refused.value) == TRIAGE
    assert DataGap.objects.get(pk=request.pk).status == "open"


def test_a_data_engineer_with_the_viewer_role_cannot_triage(viewer_engineer):
    request = request_in("open")
    with pytest.raises(PermissionDenied) as refused:
        services.datagap_transition(request=request, to="triaged", actor=viewer_engineer)
    assert FILE in str(refused.value)


def test_a_manager_triages(manager):
    request = request_in("open")
    assert services.datagap_transition(request=request, to="triaged", actor=manager).status == (
        "triaged"
    )


def test_the_requester_may_reopen_their_declined_request_but_not_someone_elses(
    scientist, other_scientist
):
    mine = request_in("declined", requester=scientist)
    theirs = request_in("declined", requester=other_scientist)
    services.datagap_transition(request=mine, to="open", actor=scientist, note="Still needed.")
    assert DataGap.objects.get(pk=mine.pk).status == "open"
    with pytest.raises(PermissionDenied):
        services.datagap_transition(request=theirs, to="open", actor=scientist, note="Me too.")


# --- what each move needs -------------------------------------------------------------------


def test_declining_needs_a_reason_and_keeps_it(dataeng):
    request = request_in("open")
    with pytest.raises(ValidationError) as refused:
        services.datagap_transition(request=request, to="declined", actor=dataeng, reason="  ")
    assert "reason" in refused.value.message_dict
    services.datagap_transition(request=request, to="declined", actor=dataeng, reason="No source.")
    request.refresh_from_db()
    assert request.decline_reason == "No source."
    assert DataGapStatusChange.objects.get(request=request).note == "No source."


@pytest.mark.parametrize("start", ["delivered", "declined", "duplicate"])
def test_reopening_needs_a_note(start, dataeng):
    request = request_in(start)
    with pytest.raises(ValidationError) as refused:
        services.datagap_transition(request=request, to="open", actor=dataeng)
    assert "note" in refused.value.message_dict
    services.datagap_transition(request=request, to="open", actor=dataeng, note="Back again.")
    request.refresh_from_db()
    assert (request.status, request.duplicate_of, request.decline_reason) == ("open", None, "")
    assert request.delivered_at is None


def test_delivering_needs_the_dataset_and_its_location_and_records_them(dataeng):
    request = request_in("in_progress")
    with pytest.raises(ValidationError) as refused:
        services.datagap_transition(request=request, to="delivered", actor=dataeng)
    assert set(refused.value.message_dict) == {"delivered_dataset", "delivered_location"}
    watcher = UserFactory()
    request.watchers.add(watcher)
    services.datagap_transition(
        request=request, to="delivered", actor=dataeng, **move_fields("delivered")
    )
    request.refresh_from_db()
    assert (request.delivered_dataset, request.delivered_location) == (
        "clicks_daily",
        "warehouse.analytics.clicks_daily",
    )
    assert request.delivered_at is not None
    event = Activity.objects.get(event="datagap.delivered")
    assert event.data["notify"] == sorted([request.requester_id, watcher.pk])
    assert event.data["dataset"] == "clicks_daily"


def test_first_triage_is_recorded_once(dataeng):
    request = request_in("open")
    services.datagap_transition(request=request, to="triaged", actor=dataeng)
    first = DataGap.objects.get(pk=request.pk).first_triaged_at
    assert first is not None
    services.datagap_transition(request=request, to="in_progress", actor=dataeng)
    services.datagap_transition(request=request, to="triaged", actor=dataeng)
    assert DataGap.objects.get(pk=request.pk).first_triaged_at == first


def test_declining_an_untriaged_request_ends_its_time_in_triage(dataeng):
    request = request_in("open")
    services.datagap_transition(request=request, to="declined", actor=dataeng, reason="No.")
    assert DataGap.objects.get(pk=request.pk).first_triaged_at is not None


# --- duplicates -------------------------------------------------------------------------------


def test_a_request_cannot_duplicate_itself(dataeng):
    request = request_in("open")
    with pytest.raises(ValidationError) as refused:
        services.datagap_transition(
            request=request, to="duplicate", actor=dataeng, duplicate_of=request
        )
    assert "itself" in refused.value.message_dict["duplicate_of"][0]
    assert DataGap.objects.get(pk=request.pk).status == "open"


def test_a_duplicate_needs_its_canonical_request(dataeng):
    request = request_in("open")
    with pytest.raises(ValidationError) as refused:
        services.datagap_transition(request=request, to="duplicate", actor=dataeng)
    assert "duplicate_of" in refused.value.message_dict


def test_a_cycle_of_duplicates_is_refused(dataeng):
    first, second = request_in("open"), request_in("open")
    services.datagap_transition(request=second, to="duplicate", actor=dataeng, duplicate_of=first)
    with pytest.raises(ValidationError) as refused:
        services.datagap_transition(
            request=first, to="duplicate", actor=dataeng, duplicate_of=second
        )
    assert "cycle" in refused.value.message_dict["duplicate_of"][0]
    assert DataGap.objects.get(pk=first.pk).status == "open"


def test_a_duplicate_links_to_the_end_of_the_chain_and_its_duplicates_follow(dataeng):
    canonical, middle, late = request_in("open"), request_in("open"), request_in("open")
    services.datagap_transition(request=late, to="duplicate", actor=dataeng, duplicate_of=middle)
    services.datagap_transition(
        request=middle, to="duplicate", actor=dataeng, duplicate_of=canonical
    )
    assert DataGap.objects.get(pk=middle.pk).duplicate_of == canonical
    assert DataGap.objects.get(pk=late.pk).duplicate_of == canonical
    third = request_in("open")
    services.datagap_transition(request=third, to="duplicate", actor=dataeng, duplicate_of=late)
    assert DataGap.objects.get(pk=third.pk).duplicate_of == canonical
    assert set(canonical.duplicates.all()) == {middle, late, third}


def test_the_duplicates_requester_and_watchers_watch_the_canonical_request(dataeng):
    canonical = request_in("triaged")
    duplicate = request_in("open")
    watcher = UserFactory()
    duplicate.watchers.add(watcher)
    services.datagap_transition(
        request=duplicate, to="duplicate", actor=dataeng, duplicate_of=canonical
    )
    assert set(canonical.watchers.all()) == {duplicate.requester, watcher}


# --- snooze, watching, races ------------------------------------------------------------------


def test_snoozing_needs_a_date_after_today_and_a_move_ends_it(dataeng):
    request = request_in("open")
    with pytest.raises(ValidationError) as refused:
        services.datagap_snooze(request=request, until=TODAY(), actor=dataeng)
    assert "snooze_until" in refused.value.message_dict
    tomorrow = TODAY() + datetime.timedelta(days=1)
    services.datagap_snooze(request=request, until=tomorrow, actor=dataeng)
    assert DataGap.objects.get(pk=request.pk).snoozed_until == tomorrow
    assert Activity.objects.get(event="datagap.snoozed").data["until"] == tomorrow.isoformat()
    services.datagap_transition(request=request, to="triaged", actor=dataeng)
    assert DataGap.objects.get(pk=request.pk).snoozed_until is None


def test_a_closed_request_cannot_be_snoozed_and_a_requester_cannot_snooze(dataeng, scientist):
    tomorrow = TODAY() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.datagap_snooze(request=request_in("delivered"), until=tomorrow, actor=dataeng)
    with pytest.raises(PermissionDenied):
        services.datagap_snooze(
            request=request_in("open", requester=scientist), until=tomorrow, actor=scientist
        )


def test_a_move_can_snooze_on_the_way(dataeng):
    request = request_in("open")
    tomorrow = TODAY() + datetime.timedelta(days=1)
    services.datagap_transition(request=request, to="triaged", actor=dataeng, snooze_until=tomorrow)
    assert DataGap.objects.get(pk=request.pk).snoozed_until == tomorrow
    with pytest.raises(ValidationError) as refused:
        services.datagap_transition(
            request=request_in("in_progress"),
            to="delivered",
            actor=dataeng,
            snooze_until=tomorrow,
            **move_fields("delivered"),
        )
    assert "snooze_until" in refused.value.message_dict


def test_watching_twice_is_watching_once(scientist, viewer):
    request = request_in("open")
    services.datagap_watch(request=request, actor=scientist)
    services.datagap_watch(request=request, actor=scientist)
    assert list(request.watchers.all()) == [scientist]
    assert Activity.objects.filter(event="datagap.watched").count() == 1
    services.datagap_unwatch(request=request, actor=scientist)
    services.datagap_unwatch(request=request, actor=scientist)
    assert not request.watchers.exists()
    assert Activity.objects.filter(event="datagap.unwatched").count() == 1
    with pytest.raises(PermissionDenied):
        services.datagap_watch(request=request, actor=viewer)


def test_a_move_from_a_status_that_changed_meanwhile_is_a_conflict(dataeng):
    request = request_in("triaged")
    with pytest.raises(Conflict):
        services.datagap_transition(
            request=request, to="triaged", actor=dataeng, expected_from="open"
        )


# --- several at once --------------------------------------------------------------------------


def test_bulk_triage_is_all_or_nothing(dataeng):
    first, second, done = request_in("open"), request_in("open"), request_in("delivered")
    with pytest.raises(ValidationError) as refused:
        services.datagap_bulk_triage(requests=[first, second, done], actor=dataeng)
    assert f"#{done.pk}" in refused.value.message_dict["requests"][0]
    assert set(DataGap.objects.values_list("status", flat=True)) == {"open", "delivered"}
    services.datagap_bulk_triage(requests=[first, second], actor=dataeng)
    assert DataGap.objects.filter(status="triaged").count() == 2


def test_bulk_assign_gives_every_request_to_one_engineer(dataeng, scientist):
    requests = [request_in("open"), request_in("triaged")]
    services.datagap_bulk_assign(requests=requests, assignee=dataeng, actor=dataeng)
    assert set(DataGap.objects.values_list("assignee", flat=True)) == {dataeng.pk}
    with pytest.raises(PermissionDenied):
        services.datagap_bulk_assign(requests=requests, assignee=dataeng, actor=scientist)


def test_linking_a_group_to_one_canonical_request_skips_closed_ones(dataeng):
    canonical = request_in("triaged")
    asks = [request_in("open"), request_in("in_progress"), request_in("declined")]
    linked, skipped = services.datagap_link_duplicates(
        canonical=canonical, requests=[canonical, *asks], actor=dataeng, note="Same ask."
    )
    assert {r.pk for r in linked} == {asks[0].pk, asks[1].pk}
    assert [r.pk for r in skipped] == [asks[2].pk]
    assert set(canonical.duplicates.all()) == {asks[0], asks[1]}
    assert DataGap.objects.get(pk=asks[2].pk).status == "declined"


def test_time_to_triage_and_delivery_are_measured_from_filing(dataeng):
    request = DataGapFactory(created_at=timezone.now() - datetime.timedelta(days=3))
    services.datagap_transition(request=request, to="triaged", actor=dataeng)
    services.datagap_transition(request=request, to="in_progress", actor=dataeng)
    services.datagap_transition(
        request=request, to="delivered", actor=dataeng, **move_fields("delivered")
    )
    request.refresh_from_db()
    assert request.time_to_triage.days == 3
    assert request.time_to_delivery.days == 3
