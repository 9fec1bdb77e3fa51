"""The idea status table, pinned literally, and the move menus' order."""

import pytest

from research.models import Status
from research.transitions import IDEA_TRANSITIONS, REASON_REQUIRED, allowed_statuses, move_choices

# Written out by hand: a test that read the table under test would agree with any change.
IDEA_TABLE = {
    "proposed": {"exploring", "dropped"},
    "exploring": {"proposed", "prototyping", "dropped"},
    "prototyping": {"exploring", "shortlisted", "dropped"},
    "shortlisted": {"prototyping", "promoted", "dropped"},
    "promoted": {"shortlisted"},
    "dropped": {"proposed", "exploring"},
}


def test_the_idea_status_table_is_exactly_this():
    assert {start: set(targets) for start, targets in IDEA_TRANSITIONS.items()} == IDEA_TABLE
    assert set(REASON_REQUIRED) == {"dropped"}


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (Status.PROPOSED, [Status.EXPLORING, Status.DROPPED]),
        (Status.EXPLORING, [Status.PROTOTYPING, Status.PROPOSED, Status.DROPPED]),
        (Status.PROTOTYPING, [Status.SHORTLISTED, Status.EXPLORING, Status.DROPPED]),
        (Status.SHORTLISTED, [Status.PROMOTED, Status.PROTOTYPING, Status.DROPPED]),
        (Status.PROMOTED, [Status.SHORTLISTED]),
        (Status.DROPPED, [Status.PROPOSED, Status.EXPLORING]),
    ],
)
def test_move_menus_offer_forward_steps_first_and_dropping_last(current, expected):
    assert move_choices(current) == expected
    assert sorted(move_choices(current)) == sorted(allowed_statuses(current))
