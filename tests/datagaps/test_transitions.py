"""The data-gap status table, pinned literally, and every move through the service: each
allowed move goes through and is recorded; each other one is refused with a field message
and changes nothing."""

import pytest
from django.core.exceptions import ValidationError

from activity.models import Activity
from datagaps.models import DataGap, DataGapStatusChange
from datagaps.services import datagap_transition
from datagaps.transitions import (
    DATAGAP_TRANSITIONS,
    NOTE_REQUIRED,
    REASON_REQUIRED,
    REQUESTER_MOVES,
    allowed_statuses,
)

from .helpers import STATUSES, move_fields, request_in

pytestmark = pytest.mark.django_db

# Written out by hand: a test that read the table under test would agree with any change.
DATAGAP_TABLE = {
    "open": {"triaged", "declined", "duplicate"},
    "triaged": {"in_progress", "declined", "duplicate"},
    "in_progress": {"triaged", "delivered", "declined", "duplicate"},
    "delivered": {"open"},
    "declined": {"open"},
    "duplicate": {"open"},
}
EVENTS = {
    "triaged": "datagap.triaged",
    "in_progress": "datagap.started",
    "delivered": "datagap.delivered",
    "declined": "datagap.declined",
    "duplicate": "datagap.duplicated",
    "open": "datagap.reopened",
}
ALLOWED = [(a, b) for a in STATUSES for b in STATUSES if b in DATAGAP_TABLE[a]]
REFUSED = [(a, b) for a in STATUSES for b in STATUSES if b not in DATAGAP_TABLE[a]]


def test_the_datagap_status_table_is_exactly_this():
    assert {start: set(targets) for start, targets in DATAGAP_TRANSITIONS.items()} == DATAGAP_TABLE
    assert set(REASON_REQUIRED) == {"declined"}
    assert set(NOTE_REQUIRED) == {"open"}
    assert set(REQUESTER_MOVES) == {"open"}


def test_allowed_statuses_follow_the_workflow_order():
    assert allowed_statuses("in_progress") == ["triaged", "delivered", "declined", "duplicate"]
    assert allowed_statuses("open") == ["triaged", "declined", "duplicate"]


@pytest.mark.parametrize(("start", "to"), ALLOWED)
def test_every_allowed_move_goes_through_and_is_recorded(start, to, dataeng):
    request = request_in(start)
    moved = datagap_transition(request=request, to=to, actor=dataeng, **move_fields(to))
    moved.refresh_from_db()
    assert moved.status == to
    change = DataGapStatusChange.objects.get(request=request)
    assert (change.from_status, change.to_status, change.actor) == (start, to, dataeng)
    event = Activity.objects.get(target_id=request.pk)
    assert event.event == EVENTS[to]
    assert (event.data["from"], event.data["to"]) == (start, to)


@pytest.mark.parametrize(("start", "to"), REFUSED)
def test_every_other_move_is_refused_and_changes_nothing(start, to, dataeng):
    request = request_in(start)
    with pytest.raises(ValidationError) as refused:
        datagap_transition(request=request, to=to, actor=dataeng, **move_fields(to))
    assert "to" in refused.value.message_dict
    assert DataGap.objects.get(pk=request.pk).status == start
    assert not DataGapStatusChange.objects.filter(request=request).exists()
    assert not Activity.objects.filter(target_id=request.pk).exists()


@pytest.mark.parametrize("to", ["snoozed", "", "OPEN", "closed"])
def test_an_unknown_status_is_a_field_message(to, dataeng):
    request = request_in("open")
    with pytest.raises(ValidationError) as refused:
        datagap_transition(request=request, to=to, actor=dataeng)
    assert "is not a status" in refused.value.message_dict["to"][0]
