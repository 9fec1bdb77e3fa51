"""Both sides of every threshold: over-allocation is *more than* 100 % in a week (100 is
fine, 101 warns), and rolling off is ending *within* 14 days (day 14 warns, day 15 does not;
today warns, yesterday is over). Through the selectors, the API's ``warnings`` and the pages."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import person_label
from projects import selectors, services
from tests.factories import ProjectFactory, RotationFactory, UserFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2030, 1, 7)  # a fixed week, far from the real today
LONG_BEFORE = datetime.date(2029, 11, 1)  # a "today" with nothing ending soon


def _over_allocated(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "over 100 %" in w]


def _rolling_off(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "ends within" in w]


# --- over-allocation: > 100 % ---------------------------------------------------------------


@pytest.mark.parametrize("second, warns", [(40, False), (41, True)])
def test_over_allocation_warns_above_100_not_at_100(second, warns):
    person = UserFactory(first_name="Ada", last_name="Lovelace")
    RotationFactory(person=person, allocation=60, start=MONDAY, planned_end=MONDAY.replace(month=3))
    rotation = RotationFactory(
        person=person,
        allocation=second,
        start=MONDAY,
        planned_end=MONDAY + datetime.timedelta(days=6),
    )
    warnings = services.rotation_warnings(rotation, today=LONG_BEFORE)
    if warns:
        assert warnings == [
            "Ada Lovelace is allocated over 100 % (up to 101 %) in 1 week, "
            "from the week of 7 Jan 2030."
        ]
    else:
        assert warnings == []


@pytest.mark.parametrize("second, warns", [(40, False), (41, True)])
def test_over_allocation_boundary_through_the_api_warnings(api_as, manager, second, warns):
    today = timezone.localdate()
    start = today + datetime.timedelta(days=60)
    person = UserFactory()
    RotationFactory(
        person=person, allocation=60, start=start, planned_end=start + datetime.timedelta(days=90)
    )
    response = api_as(manager).post(
        "/api/v1/rotations/",
        {
            "project": ProjectFactory().pk,
            "person": person.pk,
            "role": "Data engineer",
            "start": start.isoformat(),
            "planned_end": (start + datetime.timedelta(days=6)).isoformat(),
            "allocation": second,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    warnings = response.json()["warnings"]
    assert _rolling_off(warnings) == []
    if warns:
        assert len(_over_allocated(warnings)) == 1
        assert f"{person_label(person)} is allocated over 100 % (up to 101 %)" in warnings[0]
    else:
        assert warnings == []


def test_the_threshold_is_100_by_default(settings):
    assert settings.STAFFING_UTILISATION_CEILING == 100
    assert selectors.utilisation_ceiling() == 100
    assert selectors.ROLLING_OFF_DAYS == 14


def _week_totals(html: str) -> list[tuple[int, bool]]:
    """(total, highlighted) for each weekly total cell on the staffing page."""
    cells = re.findall(r'<span class="week-total([^"]*)">(\d+) %', html)
    return [(int(total), " over" in classes) for classes, total in cells]


@pytest.mark.parametrize("second, highlighted", [(40, False), (41, True)])
def test_staffing_page_highlights_101_not_100(client, viewer, second, highlighted):
    today = timezone.localdate()
    person = UserFactory(first_name="Grace", last_name="Hopper")
    start = today - datetime.timedelta(days=today.weekday())  # this week's Monday
    RotationFactory(
        person=person, allocation=60, start=start, planned_end=start + datetime.timedelta(days=200)
    )
    RotationFactory(
        person=person,
        allocation=second,
        start=start,
        planned_end=start + datetime.timedelta(days=6),
    )
    client.force_login(viewer)
    html = client.get(reverse("projects:staffing")).content.decode()
    assert "Grace Hopper" in html
    totals = _week_totals(html)
    this_week = [cell for cell in totals if cell[0] == 60 + second]
    assert len(this_week) == 1, totals
    assert this_week[0][1] is highlighted
    assert all(not over for total, over in totals if total <= 100)
    marker = '<span class="visually-hidden"> over-allocated</span>'
    assert (marker in html) is highlighted


# --- rolling off: ends within 14 days ---------------------------------------------------------


@pytest.mark.parametrize(
    "ends_in, warns",
    [(-1, False), (0, True), (1, True), (13, True), (14, True), (15, False)],
)
def test_rolling_off_warning_is_within_14_days_inclusive(ends_in, warns):
    today = MONDAY
    end = today + datetime.timedelta(days=ends_in)
    rotation = RotationFactory(
        allocation=50, start=today - datetime.timedelta(days=30), planned_end=end
    )
    warnings = services.rotation_warnings(rotation, today=today)
    expected = [f"This rotation ends within 14 days ({end.day} {end:%b %Y})."] if warns else []
    assert warnings == expected


@pytest.mark.parametrize(
    "ends_in, listed",
    [(-1, False), (0, True), (1, True), (14, True), (15, False)],
)
def test_rotations_rolling_off_lists_day_14_not_day_15(ends_in, listed):
    today = MONDAY
    rotation = RotationFactory(
        start=today - datetime.timedelta(days=30),
        planned_end=today + datetime.timedelta(days=ends_in),
    )
    RotationFactory(person=None, start=rotation.start, planned_end=rotation.planned_end)
    assert list(selectors.rotations_rolling_off(today=today)) == ([rotation] if listed else [])


@pytest.mark.parametrize("ends_in, warns", [(14, True), (15, False)])
def test_rolling_off_boundary_through_the_api_warnings(api_as, manager, ends_in, warns):
    today = timezone.localdate()
    response = api_as(manager).post(
        "/api/v1/rotations/",
        {
            "project": ProjectFactory().pk,
            "person": UserFactory().pk,
            "role": "Data scientist",
            "start": (today - datetime.timedelta(days=10)).isoformat(),
            "planned_end": (today + datetime.timedelta(days=ends_in)).isoformat(),
            "allocation": 50,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    warnings = response.json()["warnings"]
    assert len(_rolling_off(warnings)) == (1 if warns else 0)
    assert _over_allocated(warnings) == []


@pytest.mark.parametrize("page", ["dashboard", "projects:staffing"])
def test_rolling_off_panels_show_day_14_and_not_day_15(client, viewer, page):
    today = timezone.localdate()
    for ends_in, name in ((14, "Fourteen"), (15, "Fifteen"), (0, "Today"), (-1, "Yesterday")):
        RotationFactory(
            person=UserFactory(first_name=name, last_name="Person"),
            start=today - datetime.timedelta(days=30),
            planned_end=today + datetime.timedelta(days=ends_in),
        )
    client.force_login(viewer)
    html = client.get(reverse(page)).content.decode()
    section = html.split('id="rolling-off"', 1)[1].split("</section>", 1)[0]
    assert "Fourteen Person" in section and "Today Person" in section
    assert "Fifteen Person" not in section and "Yesterday Person" not in section
