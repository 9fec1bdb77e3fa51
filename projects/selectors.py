"""Every non-trivial read of the projects app: querysets that already join what they show.

The HTML views and the API call the same functions, so both see the same rows with the
same number of queries.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db.models import (
    Case,
    DateField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import person_label
from accounts.selectors import person_list

from .models import Phase, PhaseChange, Project, Rotation, Takeaway, Target

ROLLING_OFF_DAYS = 14


def _today() -> datetime.date:
    return timezone.localdate()


def active_on_q(day: datetime.date, prefix: str = "") -> Q:
    """Rotations running on ``day`` (``prefix`` reaches them through a relation)."""
    return Q(**{f"{prefix}start__lte": day}) & (
        Q(**{f"{prefix}actual_end__gte": day})
        | Q(**{f"{prefix}actual_end__isnull": True, f"{prefix}planned_end__gte": day})
        | Q(**{f"{prefix}actual_end__isnull": True, f"{prefix}planned_end__isnull": True})
    )


def overlapping_q(first: datetime.date, last: datetime.date, prefix: str = "") -> Q:
    """Rotations with at least one day in ``first``..``last``."""
    return Q(**{f"{prefix}start__lte": last}) & (
        Q(**{f"{prefix}actual_end__gte": first})
        | Q(**{f"{prefix}actual_end__isnull": True, f"{prefix}planned_end__gte": first})
        | Q(**{f"{prefix}actual_end__isnull": True, f"{prefix}planned_end__isnull": True})
    )


# --- projects ----------------------------------------------------------------------------


class SubqueryCount(Subquery):
    """``COUNT(*)`` of a subquery's rows, as a column of the outer query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _rows)"
    output_field = IntegerField()


def current_or_planned_q(day: datetime.date, prefix: str = "") -> Q:
    """Rotations running on ``day`` or starting after it: the team counts both."""
    return active_on_q(day, prefix) | Q(**{f"{prefix}start__gt": day})


def project_list(*, today: datetime.date | None = None) -> QuerySet[Project]:
    """Projects with their product manager and counts of targets, team (members, current and
    planned rotations) and open demand (the portfolio builds on these rows)."""
    today = today or _today()
    return Project.objects.select_related("product_manager").annotate(
        target_count=SubqueryCount(Target.objects.filter(project=OuterRef("pk")).values("pk")),
        team_size=project_people_current_and_planned_count(today),
        open_demand=project_unfilled_demand_count(today),
    )


def project_by_slug(slug: str) -> Project | None:
    """The project whose slug is ``slug``; ``None`` when there is none or ``slug`` could not
    be a slug at all (a NUL, spaces, longer than the field), so text from a query parameter
    never reaches the database as a value it cannot hold."""
    if not slug or len(slug) > Project._meta.get_field("slug").max_length:
        return None
    try:
        validate_slug(slug)
    except ValidationError:
        return None
    return Project.objects.filter(slug=slug).first()


def person_projects_q(person) -> Q:
    """Projects a person is on: any rotation, a membership, or as product manager."""
    return (
        Q(pk__in=Rotation.objects.filter(person=person).values("project"))
        | Q(pk__in=Project.members.through.objects.filter(user=person).values("project"))
        | Q(product_manager=person)
    )


def project_team(project: Project) -> QuerySet[User]:
    """The team: members and people with a rotation running today or planned, by name (the
    people ``project_list`` counts). ``planned_from`` is the first planned start of someone
    who is on the team only through a planned rotation, else ``None``."""
    today = _today()
    rotations = Rotation.objects.filter(project=project, person=OuterRef("pk"))
    planned = rotations.filter(start__gt=today).order_by("start").values("start")[:1]
    return (
        person_list()
        .filter(
            Q(member_projects=project)
            | Q(
                pk__in=Rotation.objects.filter(current_or_planned_q(today), project=project).values(
                    "person"
                )
            )
        )
        .distinct()
        .annotate(
            planned_from=Case(
                When(
                    Q(Exists(rotations.filter(active_on_q(today))))
                    | Q(
                        Exists(
                            Project.members.through.objects.filter(
                                project=project, user=OuterRef("pk")
                            )
                        )
                    ),
                    then=Value(None),
                ),
                default=Subquery(planned),
                output_field=DateField(),
            )
        )
    )


def target_list() -> QuerySet[Target]:
    """Every project's targets and scenarios, each project's in its order."""
    return Target.objects.order_by("project_id", "position", "id")


def project_targets(project: Project) -> QuerySet[Target]:
    return target_list().filter(project=project)


def project_phase_changes(project: Project) -> QuerySet[PhaseChange]:
    return project.phase_changes.select_related("actor")


# --- rotations ---------------------------------------------------------------------------


def rotation_list() -> QuerySet[Rotation]:
    """Rotations with person, profile and project joined, annotated with ``effective_end``."""
    return (
        Rotation.objects.select_related("person__profile", "project")
        .annotate(effective_end=Coalesce("actual_end", "planned_end"))
        .order_by("start", "id")
    )


def rotation_of_person(person: User, rotation_id: str) -> Rotation | None:
    """``person``'s own rotation whose id is the text ``rotation_id`` (from a query
    parameter); ``None`` when it is not theirs, does not exist or is not a plain number."""
    if not (rotation_id.isascii() and rotation_id.isdigit()) or len(rotation_id) > 18:
        return None
    return Rotation.objects.select_related("project").filter(pk=rotation_id, person=person).first()


def ends_soon(end: datetime.date | None, today: datetime.date) -> bool:
    """The rolling-off rule: the end falls within the next ``ROLLING_OFF_DAYS`` days."""
    return end is not None and today <= end <= today + datetime.timedelta(days=ROLLING_OFF_DAYS)


def project_rotation_groups(
    project: Project, *, today: datetime.date | None = None
) -> dict[str, list[Rotation]]:
    """A project's rotations and placeholders as ``current``, ``planned`` and ``past``
    (each by start), in one query. Each carries ``rolling_off_soon`` (:func:`ends_soon`,
    not for one that already ended)."""
    today = today or _today()
    groups: dict[str, list[Rotation]] = {"current": [], "planned": [], "past": []}
    for rotation in rotation_list().filter(project=project):
        rotation.rolling_off_soon = rotation.actual_end is None and ends_soon(
            rotation.effective_end, today
        )
        if rotation.start > today:
            groups["planned"].append(rotation)
        elif rotation.effective_end is not None and rotation.effective_end < today:
            groups["past"].append(rotation)
        else:
            groups["current"].append(rotation)
    return groups


def rotations_rolling_off(
    *, today: datetime.date | None = None, days: int = ROLLING_OFF_DAYS
) -> QuerySet[Rotation]:
    """Staffed rotations running today that end within ``days`` days (a warning)."""
    today = today or _today()
    return (
        rotation_list()
        .filter(person__isnull=False, start__lte=today)
        .filter(effective_end__gte=today, effective_end__lte=today + datetime.timedelta(days=days))
        .exclude(actual_end__lte=today)  # already ended (e.g. by a release today)
        .order_by("effective_end", "id")
    )


def rotations_unfilled(*, today: datetime.date | None = None) -> QuerySet[Rotation]:
    """Placeholders that are running or still ahead: demand to staff."""
    today = today or _today()
    return (
        rotation_list()
        .filter(person__isnull=True)
        .filter(Q(effective_end__isnull=True) | Q(effective_end__gte=today))
    )


def takeaways_requested_of(user: User) -> QuerySet[Rotation]:
    """The user's ended rotations that asked for a takeaway and have none yet."""
    return (
        rotation_list()
        .filter(person=user, takeaway_requested_at__isnull=False)
        .filter(~Exists(Takeaway.objects.filter(rotation=OuterRef("pk"))))
    )


# --- the dashboard -----------------------------------------------------------------------


@dataclass
class Dashboard:
    """The signed-in person's home page: lazy querysets, one query each when rendered."""

    my_projects: QuerySet[Project]
    my_rotations: QuerySet[Rotation]
    rolling_off: QuerySet[Rotation]
    unfilled: QuerySet[Rotation]
    takeaways_due: QuerySet[Rotation]


DASHBOARD_LIST_LENGTH = 20


def dashboard(user: User, *, today: datetime.date | None = None) -> Dashboard:
    """The person's projects that are not archived and their current and planned rotations;
    who rolls off soon and the demand still to staff (the first 20 of each); the takeaways
    they were asked for."""
    today = today or _today()
    return Dashboard(
        my_projects=project_list()
        .filter(person_projects_q(user))
        .exclude(phase=Phase.ARCHIVED)
        .order_by("name"),
        my_rotations=rotation_list()
        .filter(person=user)
        .exclude(effective_end__lt=today)
        .order_by("start", "id"),
        rolling_off=rotations_rolling_off(today=today)[:DASHBOARD_LIST_LENGTH],
        unfilled=rotations_unfilled(today=today)[:DASHBOARD_LIST_LENGTH],
        takeaways_due=takeaways_requested_of(user),
    )


# --- allocation per week -----------------------------------------------------------------


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


# --- takeaways ------------------------------------------------------------------------


def takeaway_list() -> QuerySet[Takeaway]:
    """Takeaways, newest first, with author, project and rotation joined."""
    return Takeaway.objects.select_related("author__profile", "project", "rotation")


# --- team counts that include the planned rotations -------------------------------------------


def project_people_current_and_planned_count(today: datetime.date | None = None) -> SubqueryCount:
    """An annotation for ``Project`` rows: how many distinct people are on the team now or
    planned to join it — members, people with a rotation running ``today`` and people with
    a rotation starting after ``today``. Placeholders are demand, not people: not counted."""
    today = today or _today()
    # Nested one level deeper than the people query, hence the double OuterRef.
    staffed = Rotation.objects.filter(
        current_or_planned_q(today), project=OuterRef(OuterRef("pk")), person__isnull=False
    )
    people = (
        User.objects.filter(Q(member_projects=OuterRef("pk")) | Q(pk__in=staffed.values("person")))
        .order_by()
        .values("pk")
        .distinct()
    )
    return SubqueryCount(people)


def project_unfilled_demand_count(today: datetime.date | None = None) -> SubqueryCount:
    """An annotation for ``Project`` rows: placeholders running ``today`` or still ahead."""
    today = today or _today()
    demand = Rotation.objects.filter(
        current_or_planned_q(today), project=OuterRef("pk"), person__isnull=True
    )
    return SubqueryCount(demand.values("pk"))
