"""Who is due when: each person's weekday and hour in their own time zone, decided in SQL;
both sides of every boundary, far east and far west of UTC, and a daylight-saving change."""

import datetime

import pytest

from digests import selectors, services
from digests.models import DigestDelivery, DigestPreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
MINUTE = datetime.timedelta(minutes=1)


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


def _due_ids(now) -> set[int]:
    return {pk for pk, _ in selectors.due_people(now)}


def _person(name: str, **preference):
    user = UserFactory(username=name)
    if preference:
        DigestPreference.objects.create(user=user, **preference)
    return user


def test_the_default_is_monday_eight_in_the_sites_time_zone():
    ann = _person("ann")
    # 2026-12-07 is a Monday.
    assert ann.pk not in _due_ids(at("2026-12-07T07:59:59"))
    assert ann.pk in _due_ids(at("2026-12-07T08:00:00"))
    schedule = dict(selectors.due_people(at("2026-12-07T08:00:00")))[ann.pk]
    assert schedule.week == datetime.date(2026, 12, 7)
    assert (schedule.start, schedule.end) == (at("2026-11-30T08:00:00"), at("2026-12-07T08:00:00"))


def test_far_east_utc_plus_13_gets_it_on_sunday_evening_utc():
    kiri = _person("kiri", time_zone="Pacific/Auckland")  # UTC+13 in December
    assert kiri.pk not in _due_ids(at("2026-12-06T18:59:00"))
    due = dict(selectors.due_people(at("2026-12-06T19:00:00")))
    assert due[kiri.pk].week == datetime.date(2026, 12, 7)  # their Monday


def test_far_west_utc_minus_10_gets_it_on_monday_evening_utc():
    leilani = _person("leilani", time_zone="Pacific/Honolulu")  # UTC-10
    assert leilani.pk not in _due_ids(at("2026-12-07T17:59:00"))
    assert leilani.pk in _due_ids(at("2026-12-07T18:00:00"))


def test_a_week_across_the_spring_change_is_seven_local_days():
    schedule = selectors.schedule_for(
        datetime.date(2026, 3, 30), weekday=0, hour=8, tz_name="Europe/Berlin"
    )
    assert schedule.end == at("2026-03-30T06:00:00")  # 08:00 CEST
    assert schedule.start == at("2026-03-23T07:00:00")  # 08:00 CET
    assert schedule.end - schedule.start == datetime.timedelta(hours=167)


def test_a_chosen_weekday_and_hour_and_a_missed_one_is_still_due_later_that_week():
    fred = _person("fred", weekday=4, hour=17)  # Friday 17:00
    assert fred.pk not in _due_ids(at("2026-12-11T16:59:00"))
    assert fred.pk in _due_ids(at("2026-12-11T17:00:00"))
    assert fred.pk in _due_ids(at("2026-12-12T09:00:00"))  # the job missed Friday
    assert fred.pk not in _due_ids(at("2026-12-07T09:00:00"))  # Monday: not yet


def test_opted_out_inactive_and_addressless_people_are_not_due():
    _person("off", enabled=False)
    UserFactory(username="gone", is_active=False)
    UserFactory(username="nomail", email="")
    assert _due_ids(at("2026-12-07T09:00:00")) == set()


def test_once_made_a_week_is_not_due_again_and_a_second_run_queues_nothing():
    ann = _person("ann")
    now = at("2026-12-07T09:00:00")
    assert services.digests_schedule(now=now) == 1
    assert services.digests_schedule(now=now) == 0
    assert DigestDelivery.objects.filter(user=ann).count() == 1
    assert ann.pk in _due_ids(at("2026-12-14T09:00:00"))  # next week


def test_parse_week():
    assert selectors.parse_week("2026-W48") == datetime.date(2026, 11, 23)
    with pytest.raises(ValueError):
        selectors.parse_week("2026-48")
