"""The move menus' order: the default choice never sends an idea backwards."""

import pytest

from research.models import Status
from research.transitions import allowed_statuses, move_choices


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
