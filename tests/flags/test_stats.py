"""The early-warning figures on a hand-built set with known answers, and their boundaries."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from flags.models import Flag
from flags.selectors import flag_stats, percentile, stats_period_check
from projects.models import PhaseChange
from tests.factories import FlagFactory, ProjectFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# The day project A entered implementation, at noon.
ENTERED = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
H = datetime.timedelta(hours=1)
D = datetime.timedelta(days=1)


def _flag(project, phase, raised_at, *, ack=None, closed=None, status="open", title="F"):
    flag = FlagFactory(project=project, raised_in_phase=phase, title=title)
    fields = {"created_at": raised_at, "opened_at": raised_at, "status": status}
    if ack is not None:
        fields["acknowledged_at"] = raised_at + ack * H
    if closed is not None:
        fields["closed_at"] = raised_at + closed * H
    Flag.objects.filter(pk=flag.pk).update(**fields)
    return flag


@pytest.fixture
def hand_built():
    a = ProjectFactory(name="A")
    b = ProjectFactory(name="B")
    change = PhaseChange.objects.create(
        project=a, from_phase="prototype", to_phase="implementation"
    )
    PhaseChange.objects.filter(pk=change.pk).update(created_at=ENTERED)
    # A later second entry into implementation does not move the lead times.
    later = PhaseChange.objects.create(project=a, from_phase="prototype", to_phase="implementation")
    PhaseChange.objects.filter(pk=later.pk).update(created_at=ENTERED + 20 * D)
    flags = {
        "f1": _flag(a, "research", ENTERED - 10 * D, ack=2, closed=10, status="resolved"),
        "f2": _flag(a, "prototype", ENTERED - 4 * D, ack=4, status="acknowledged"),
        "f3": _flag(a, "implementation", ENTERED + 3 * D, ack=6, closed=30, status="accepted_risk"),
        "f4": _flag(a, "prototype", ENTERED - 1 * D),
        "f5": _flag(b, "research", ENTERED - 2 * D, ack=10, status="acknowledged"),
    }
    return {"a": a, "b": b, **flags}


def _stats(**kwargs):
    kwargs.setdefault("start", datetime.date(2026, 6, 1))
    kwargs.setdefault("end", datetime.date(2026, 6, 30))
    kwargs.setdefault("now", datetime.datetime(2026, 6, 30, 12, 0, tzinfo=UTC))
    return flag_stats(**kwargs)


def test_share_raised_early(hand_built):
    raised = _stats()["raised"]
    assert (raised["total"], raised["early"], raised["late"], raised["early_share"]) == (
        5,
        4,
        1,
        0.8,
    )
    assert raised["by_phase"] == {
        "research": 2,
        "prototype": 2,
        "implementation": 1,
        "released": 0,
        "monitoring": 0,
        "archived": 0,
    }


def test_time_to_acknowledge_and_to_resolve(hand_built):
    stats = _stats()
    # acknowledged after 2, 4, 6 and 10 hours; resolved or accepted after 10 and 30 hours
    assert stats["to_acknowledge"] == {"count": 4, "median_hours": 5.0, "p90_hours": 8.8}
    assert stats["to_resolve"] == {"count": 2, "median_hours": 20.0, "p90_hours": 28.0}


def test_lead_times_negative_when_raised_after_implementation(hand_built):
    stats = _stats()
    days = {lead["flag"]: lead["days"] for lead in stats["lead_times"]}
    assert days == {
        hand_built["f1"].pk: 10,
        hand_built["f2"].pk: 4,
        hand_built["f3"].pk: -3,
        hand_built["f4"].pk: 1,
    }
    assert stats["median_lead_days"] == 2.5  # of -3, 1, 4, 10


def test_per_project(hand_built):
    stats = _stats(project=hand_built["b"])
    assert stats["raised"]["total"] == 1
    assert stats["lead_times"] == []
    assert stats["median_lead_days"] is None
    assert stats["to_acknowledge"] == {"count": 1, "median_hours": 10.0, "p90_hours": 10.0}


def test_open_flags_by_age_on_both_sides_of_each_bucket(hand_built):
    now = datetime.datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
    a = hand_built["a"]
    Flag.objects.all().delete()
    for days in (0, 3, 4, 7, 8, 30, 31):
        _flag(a, "research", now - days * D, title=f"{days} days")
    _flag(a, "research", now - 40 * D, status="resolved", closed=1)  # closed: not counted
    stats = _stats(start=datetime.date(2026, 5, 1), now=now)
    assert stats["open_by_age"] == [
        {"age": "0 to 3 days", "count": 2},
        {"age": "4 to 7 days", "count": 2},
        {"age": "8 to 30 days", "count": 2},
        {"age": "over 30 days", "count": 1},
    ]


def test_the_period_includes_both_ends_and_nothing_outside(hand_built):
    a = hand_built["a"]
    Flag.objects.all().delete()
    for day in (
        datetime.date(2026, 5, 31),
        datetime.date(2026, 6, 1),
        datetime.date(2026, 6, 30),
        datetime.date(2026, 7, 1),
    ):
        _flag(a, "research", datetime.datetime.combine(day, datetime.time(23, 59), tzinfo=UTC))
    assert _stats()["raised"]["total"] == 2


def test_months_in_the_period_with_early_and_late(hand_built):
    stats = _stats(start=datetime.date(2026, 5, 20), end=datetime.date(2026, 7, 2))
    assert stats["by_month"] == [
        {"month": "2026-05", "early": 0, "late": 0},
        {"month": "2026-06", "early": 4, "late": 1},
        {"month": "2026-07", "early": 0, "late": 0},
    ]


def test_no_flags_gives_empty_figures_not_errors(db):
    stats = _stats()
    assert stats["raised"]["early_share"] is None
    assert stats["to_acknowledge"] == {"count": 0, "median_hours": None, "p90_hours": None}


def test_stats_take_one_query_whatever_the_number_of_flags(hand_built, django_assert_num_queries):
    with django_assert_num_queries(1):
        _stats()
    for n in range(20):
        _flag(hand_built["a"], "research", ENTERED - n * H, ack=n + 1)
    with django_assert_num_queries(1):
        assert _stats()["raised"]["total"] == 25


@pytest.mark.parametrize(
    ("values", "fraction", "expected"),
    [
        ([], 0.5, None),
        ([7], 0.9, 7),
        ([1, 2], 0.5, 1.5),
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9.1),
        ([5, 1, 3], 0.5, 3),
    ],
)
def test_percentile_interpolates_like_percentile_cont(values, fraction, expected):
    result = percentile(values, fraction)
    assert result == pytest.approx(expected) if expected is not None else result is None


def test_period_rules():
    stats_period_check(datetime.date(2026, 1, 1), datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError):
        stats_period_check(datetime.date(2026, 1, 2), datetime.date(2026, 1, 1))
    stats_period_check(datetime.date(2021, 1, 1), datetime.date(2025, 12, 31))
    with pytest.raises(ValidationError):
        stats_period_check(datetime.date(2020, 1, 1), datetime.date(2025, 12, 31))
    with pytest.raises(ValidationError):
        stats_period_check(datetime.date(1, 1, 1), datetime.date(1, 1, 2))
