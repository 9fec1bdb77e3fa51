"""Staffing: allocation per week, who is free over a rotation's dates, the people-by-weeks
timeline and the project colours of its bars."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, Q, Sum
from django.db.models.functions import Coalesce

from accounts.models import person_label
from accounts.selectors import person_list

from ..models import Project, Rotation
from ._common import _today, overlapping_q
from .rotations import rotation_list, rotations_rolling_off


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s week."""
    return day - datetime.timedelta(days=day.weekday())


def weekly_allocation_sums(
    weeks: list[datetime.date], prefix: str = "", *, exclude: int | None = None
) -> dict:
    """``w0``, ``w1``, ...: summed allocation of the rotations overlapping each week, one SQL
    aggregate per week (``prefix`` reaches the rotations through a relation; ``exclude``
    leaves one rotation out)."""
    left_out = ~Q(**{f"{prefix}pk": exclude}) if exclude is not None else Q()
    return {
        f"w{i}": Sum(
            f"{prefix}allocation",
            filter=overlapping_q(monday, _add_days(monday, 6) or datetime.date.max, prefix)
            & left_out,
        )
        for i, monday in enumerate(weeks)
    }


def _add_days(day: datetime.date, days: int) -> datetime.date | None:
    """``day`` plus ``days``, or ``None`` past the last date Python can hold (year 9999)."""
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return None


def utilisation_ceiling() -> int:
    """The percentage of a person's time above which a week is over-allocated (a setting)."""
    return settings.STAFFING_UTILISATION_CEILING


# An open-ended rotation is checked and shown for half a year ahead; at most two years.
OPEN_END_WEEKS = 26
MAX_WEEKS = 104


def weeks_covering(
    start: datetime.date, end: datetime.date | None, *, today: datetime.date | None = None
) -> list[datetime.date]:
    """The Mondays of the weeks from ``start`` to ``end`` (an open end: half a year past
    today or the start, whichever is later), at most two years of them."""
    today = today or _today()
    last = end or _add_days(max(start, today), 7 * OPEN_END_WEEKS) or datetime.date.max
    weeks: list[datetime.date] = []
    monday: datetime.date | None = week_start(start)
    while monday is not None and monday <= last and len(weeks) < MAX_WEEKS:
        weeks.append(monday)
        monday = _add_days(monday, 7)
    return weeks


def person_weekly_load(
    person_id: int, weeks: list[datetime.date], *, exclude: int | None = None
) -> list[int]:
    """The person's summed allocation in each of ``weeks`` (0 when free), leaving out the
    rotation ``exclude`` (the one being edited). One query."""
    if not weeks:
        return []
    totals = Rotation.objects.filter(person_id=person_id).aggregate(
        **weekly_allocation_sums(weeks, exclude=exclude)
    )
    return [totals[f"w{i}"] or 0 for i in range(len(weeks))]


@dataclass
class Availability:
    """Who is free over a rotation's dates: people with their peak weekly load."""

    weeks: list[datetime.date]
    ceiling: int
    rows: list[dict]  # {"person", "peak", "free", "peak_week"}, most free first


def staffing_availability(
    *,
    start: datetime.date,
    end: datetime.date | None,
    discipline: str = "",
    exclude: int | None = None,
    today: datetime.date | None = None,
) -> Availability:
    """Every active person (of ``discipline``) with their busiest week's allocation over
    ``start``..``end`` and what is left below the utilisation ceiling, most free first.
    The weekly sums are SQL aggregates: one query however many people and rotations.
    ``exclude`` leaves out the rotation being edited, so its own share counts as free."""
    weeks = weeks_covering(start, end, today=today)
    ceiling = utilisation_ceiling()
    people = person_list()
    if discipline:
        people = people.filter(profile__discipline=discipline)
    prefix = "rotations__"
    sums = weekly_allocation_sums(weeks, prefix, exclude=exclude)
    people = people.annotate(**{key: Coalesce(total, 0) for key, total in sums.items()})
    rows = []
    for person in people:
        totals = [getattr(person, f"w{i}") for i in range(len(weeks))]
        peak = max(totals, default=0)
        peak_week = weeks[totals.index(peak)] if peak else None
        rows.append(
            {
                "person": person,
                "peak": peak,
                "free": max(ceiling - peak, 0),
                "peak_week": peak_week,
            }
        )
    rows.sort(key=lambda row: (-row["free"], person_label(row["person"]).lower()))
    return Availability(weeks=weeks, ceiling=ceiling, rows=rows)


@dataclass
class Timeline:
    """The staffing timeline: weeks, people rows with weekly totals, rotations per row."""

    weeks: list[datetime.date]
    this_week: int
    rows: list[dict]
    placeholders: list[Rotation]
    rolling_off: list[Rotation]
    projects: list[Project]


def staffing_timeline(
    *,
    today: datetime.date | None = None,
    weeks_back: int = 12,
    weeks_ahead: int = 12,
    discipline: str = "",
    project: Project | None = None,
) -> Timeline:
    """People by weeks: every person's rotations overlapping the window, and their weekly
    total allocation (summed in SQL). Four queries however many people and rotations.
    With ``project``: only the people with a rotation on it in the window (all their bars
    and totals, so a clash with other projects shows) and its placeholders."""
    today = today or _today()
    first = week_start(today) - datetime.timedelta(weeks=weeks_back)
    weeks = [first + datetime.timedelta(weeks=i) for i in range(weeks_back + weeks_ahead + 1)]
    last = weeks[-1] + datetime.timedelta(days=6)
    in_window = rotation_list().filter(overlapping_q(first, last))
    people = person_list()
    if discipline:
        people = people.filter(profile__discipline=discipline)
    placeholders_in_window = in_window.filter(person__isnull=True)
    if project is not None:
        people = people.filter(pk__in=in_window.filter(project=project).values("person").order_by())
        placeholders_in_window = placeholders_in_window.filter(project=project)
    weekly = weekly_allocation_sums(weeks, "rotations__")
    people = people.annotate(
        **{key: Coalesce(total, 0) for key, total in weekly.items()}
    ).prefetch_related(
        Prefetch(
            "rotations",
            queryset=in_window.filter(person__isnull=False),
            to_attr="window_rotations",
        )
    )
    span = (last - first).days + 1
    projects: dict[int, Project] = {}
    rows = []
    for person in people:
        bars = []
        for rotation in person.window_rotations:
            projects[rotation.project_id] = rotation.project
            bars.append(_bar(rotation, first, last, span))
        totals = [getattr(person, f"w{i}") for i in range(len(weeks))]
        rows.append({"person": person, "bars": bars, "totals": totals})
    placeholders = list(placeholders_in_window)
    for rotation in placeholders:
        projects[rotation.project_id] = rotation.project
        rotation.bar = _bar(rotation, first, last, span)
    return Timeline(
        weeks=weeks,
        this_week=weeks_back,
        rows=rows,
        placeholders=placeholders,
        rolling_off=list(rotations_rolling_off(today=today)),
        projects=sorted(projects.values(), key=lambda p: p.name),
    )


def _bar(rotation: Rotation, first: datetime.date, last: datetime.date, span: int) -> dict:
    """Where a rotation's bar sits in the window, in percent of its width."""
    end = rotation.actual_end or rotation.planned_end or last
    left = max((rotation.start - first).days, 0)
    right = min((end - first).days + 1, span)
    return {
        "rotation": rotation,
        "left": round(left * 100 / span, 3),
        "width": round(max(right - left, 1) * 100 / span, 3),
        "colour": project_colour(rotation.project_id),
    }


# Project colours are the classes pc-0 .. pc-7 of static/css/app.css (no inline styles: the
# Content-Security-Policy refuses them).
PROJECT_COLOURS = 8


def project_colour(project_id: int) -> str:
    """A stable colour class per project (bars also carry the project's name as text)."""
    return f"pc-{project_id % PROJECT_COLOURS}"
