"""The flag status table, pinned literally: every pair of statuses through the service, and
every allowed move through both the page and the API."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.exceptions import Conflict
from flags import services
from flags.models import Flag, FlagStatusChange
from flags.transitions import FLAG_TRANSITIONS

pytestmark = pytest.mark.django_db

# Pinned literally: a change to the table must change this test too.
ALLOWED = {
    ("open", "acknowledged"),
    ("acknowledged", "resolved"),
    ("acknowledged", "accepted_risk"),
    ("resolved", "open"),
    ("accepted_risk", "open"),
}
STATUSES = ["open", "acknowledged", "resolved", "accepted_risk"]
# How to bring a fresh (open) flag to each status.
PATH = {
    "open": [],
    "acknowledged": ["acknowledged"],
    "resolved": ["acknowledged", "resolved"],
    "accepted_risk": ["acknowledged", "accepted_risk"],
}


def _bring(flag: Flag, status: str, actor) -> Flag:
    for step in PATH[status]:
        flag = services.flag_transition(flag=flag, to=step, actor=actor, note="because")
    return flag


def test_the_table_is_what_the_product_says():
    table = {(a, b) for a, targets in FLAG_TRANSITIONS.items() for b in targets}
    assert table == ALLOWED


@pytest.mark.parametrize(("start", "to"), list(itertools.product(STATUSES, STATUSES)))
def test_every_pair_of_statuses_through_the_service(flag, manager, start, to):
    flag = _bring(flag, start, manager)
    if (start, to) in ALLOWED:
        moved = services.flag_transition(flag=flag, to=to, actor=manager, note="a note")
        assert moved.status == to
        assert FlagStatusChange.objects.filter(flag=flag, from_status=start, to_status=to).exists()
    elif start == to:
        with pytest.raises(Conflict):
            services.flag_transition(flag=flag, to=to, actor=manager, note="a note")
    else:
        with pytest.raises(ValidationError) as refused:
            services.flag_transition(flag=flag, to=to, actor=manager, note="a note")
        assert "to" in refused.value.message_dict
        assert Flag.objects.get(pk=flag.pk).status == start


def _via_api(api_as, actor, flag, to):
    return api_as(actor).post(
        f"/api/v1/flags/{flag.pk}/transition/", {"to": to, "note": "a note"}, format="json"
    )


def _via_page(client, actor, flag, to):
    client.force_login(actor)
    return client.post(
        reverse("flags:flag-transition", args=[flag.pk]),
        {"to": to, "note": "a note", "expected_from": flag.status},
    )


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize(("start", "to"), sorted(ALLOWED))
def test_every_allowed_move_through_page_and_api(flag, manager, client, api_as, channel, start, to):
    flag = _bring(flag, start, manager)
    if channel == "api":
        response = _via_api(api_as, manager, flag, to)
        assert response.status_code == 200, response.content
        assert response.json()["status"] == to
    else:
        response = _via_page(client, manager, flag, to)
        assert response.status_code == 302
    assert Flag.objects.get(pk=flag.pk).status == to


@pytest.mark.parametrize("channel", ["api", "page"])
@pytest.mark.parametrize(
    ("start", "to"),
    sorted(p for p in itertools.product(STATUSES, STATUSES) if p not in ALLOWED and p[0] != p[1]),
)
def test_every_refused_move_is_a_400_on_page_and_api(
    flag, manager, client, api_as, channel, start, to
):
    flag = _bring(flag, start, manager)
    if channel == "api":
        response = _via_api(api_as, manager, flag, to)
        assert response.status_code == 400
        assert "cannot become" in response.json()["to"][0]
    else:
        response = _via_page(client, manager, flag, to)
        assert response.status_code == 400
        assert "cannot become" in response.content.decode()
    assert Flag.objects.get(pk=flag.pk).status == start
