"""Reads of the flags app: lists with severity order and overdue marks, badges for cards and
rows, the dashboard's lists and the early-warning figures. The UI and the API call these."""

import datetime
import math
from collections import Counter
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Case,
    Count,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone

from core.registries import Badge
from core.services import EARLIEST_DATE, LATEST_DATE
from projects.models import Phase, PhaseChange, Project
from projects.selectors import SubqueryCount, person_projects_q

from .models import (
    ACTIVE_STATUSES,
    EARLY_PHASES,
    SEVERITY_RANK,
    Flag,
    FlagEscalation,
    FlagStatus,
    FlagStatusChange,
    Severity,
)
from .services import overdue_cutoff


def severity_order() -> Case:
    """Severity as a number (critical highest), for ordering in the database."""
    return Case(
        *[When(severity=severity, then=Value(rank)) for severity, rank in SEVERITY_RANK.items()],
        output_field=IntegerField(),
    )


def overdue_q(now: datetime.datetime | None = None, prefix: str = "") -> Q:
    """Unacknowledged (open) since before the overdue cutoff: ``FLAG_OVERDUE_DAYS`` ago."""
    return Q(**{f"{prefix}status": FlagStatus.OPEN, f"{prefix}opened_at__lt": overdue_cutoff(now)})


def flag_list(now: datetime.datetime | None = None) -> QuerySet[Flag]:
    """Flags with their project, idea and people, ``severity_order`` and ``overdue``."""
    return Flag.objects.select_related("project", "idea", "owner", "raised_by").annotate(
        severity_order=severity_order(),
        overdue=Case(
            When(overdue_q(now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def flag_history(flag: Flag) -> QuerySet[FlagStatusChange]:
    return flag.status_changes.select_related("actor").order_by("created_at", "id")


def flag_escalations(flag: Flag) -> QuerySet[FlagEscalation]:
    return flag.escalations.order_by("created_at", "id")


def project_flags(project: Project) -> QuerySet[Flag]:
    """The project's flags, active ones first, worst first, then newest."""
    return (
        flag_list()
        .filter(project=project)
        .order_by(
            Case(When(status__in=ACTIVE_STATUSES, then=Value(0)), default=Value(1)),
            "-severity_order",
            "-created_at",
            "-id",
        )
    )


def idea_flags(idea) -> QuerySet[Flag]:
    return project_flags(idea.board.project).filter(idea=idea)


def flags_owned_by(user, *, limit: int = 10) -> QuerySet[Flag]:
    """Active flags ``user`` must act on, worst and oldest first."""
    return (
        flag_list()
        .filter(owner=user, status__in=ACTIVE_STATUSES)
        .order_by("-severity_order", "created_at")[:limit]
    )


def flags_unacknowledged_for(user, *, limit: int = 10) -> QuerySet[Flag]:
    """Open (unacknowledged) flags on the projects ``user`` is on, worst and oldest first."""
    projects = Project.objects.filter(person_projects_q(user)).values("pk")
    return (
        flag_list()
        .filter(project__in=projects, status=FlagStatus.OPEN)
        .order_by("-severity_order", "created_at")[:limit]
    )


# --- badges on cards and rows --------------------------------------------------------------


def _badges(field: str, ids: list[int], url) -> dict[int, list[Badge]]:
    rows = (
        Flag.objects.filter(**{f"{field}__in": ids}, status__in=ACTIVE_STATUSES)
        .values(field)
        .annotate(
            count=Count("pk"), worst=Max(severity_order()), overdue=Count("pk", filter=overdue_q())
        )
        .order_by()
    )
    labels = {rank: Severity(severity).label.lower() for severity, rank in SEVERITY_RANK.items()}
    names = {rank: severity for severity, rank in SEVERITY_RANK.items()}
    found: dict[int, list[Badge]] = {}
    for row in rows:
        count, worst = row["count"], row["worst"]
        text = f"{count} open flag{'' if count == 1 else 's'} · {labels[worst]}"
        css = f"badge-flag badge-sev-{names[worst]}"
        if row["overdue"]:
            text += f" · {row['overdue']} overdue"
            css += " badge-overdue"
        found[row[field]] = [
            Badge(
                text=text,
                css=css,
                url=url(row[field]),
                description=f"Open dependency flags; the worst is {labels[worst]}.",
            )
        ]
    return found


def idea_badges(ideas: Iterable) -> dict[int, list[Badge]]:
    """One badge per idea with active flags: how many, the worst severity, overdue ones."""
    return _badges(
        "idea",
        [idea.pk for idea in ideas],
        lambda pk: reverse("research:idea-detail", kwargs={"pk": pk}) + "#flags",
    )


def project_badges(projects: Iterable) -> dict[int, list[Badge]]:
    """One badge per project with active flags, linking to its Flags tab."""
    projects = list(projects)
    slugs = {project.pk: project.slug for project in projects}
    return _badges(
        "project",
        list(slugs),
        lambda pk: reverse("flags:project-flags", kwargs={"slug": slugs[pk]}),
    )


def open_flag_count() -> SubqueryCount:
    """The number of active (open or acknowledged) flags of each ``Project`` row, as an
    annotation (the portfolio's "Open flags" count)."""
    return SubqueryCount(
        Flag.objects.filter(project=OuterRef("pk"), status__in=ACTIVE_STATUSES).values("pk")
    )


# --- early-warning figures -----------------------------------------------------------------

AGE_BUCKETS = [
    (0, 3, "0 to 3 days"),
    (4, 7, "4 to 7 days"),
    (8, 30, "8 to 30 days"),
    (31, None, "over 30 days"),
]


def percentile(values: list[float], fraction: float) -> float | None:
    """The ``fraction`` percentile of ``values`` by linear interpolation between the closest
    ranks (as PostgreSQL's ``percentile_cont`` and NumPy's default); ``None`` for none."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _summary(hours: list[float]) -> dict:
    return {
        "count": len(hours),
        "median_hours": _round(percentile(hours, 0.5)),
        "p90_hours": _round(percentile(hours, 0.9)),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _hours(later: datetime.datetime, earlier: datetime.datetime) -> float:
    return (later - earlier).total_seconds() / 3600


def _month(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def flag_stats(
    *,
    start: datetime.date,
    end: datetime.date,
    project: Project | None = None,
    now: datetime.datetime | None = None,
) -> dict:
    """The early-warning figures for flags raised from ``start`` to ``end`` (dates in the
    site's time zone, both included), on ``project`` or on all projects.

    * ``raised``: how many, how many early (in research or prototype) and late, the early
      share, and counts per phase;
    * ``to_acknowledge`` / ``to_resolve``: median and 90th percentile hours from raising to
      the first acknowledgement / to resolution or accepted risk;
    * ``open_by_age``: flags still active today (raised in the period) by age;
    * ``lead_times``: for each flag on a project that has entered implementation, the days
      from raising it to the project's first entry into implementation (negative when it was
      raised after), with their median;
    * ``by_month``: early and late flags raised per month, for the chart.

    One query whatever the number of flags: the period's flags with the date their project
    first entered implementation (a subquery); the figures are taken over that list.
    """
    now = now or timezone.now()
    entered = (
        PhaseChange.objects.filter(project=OuterRef("project"), to_phase=Phase.IMPLEMENTATION)
        .order_by("created_at", "id")
        .values("created_at")[:1]
    )
    flags = Flag.objects.filter(created_at__date__gte=start, created_at__date__lte=end)
    if project is not None:
        flags = flags.filter(project=project)
    rows = list(
        flags.annotate(implementation_at=Subquery(entered))
        .order_by("created_at", "id")
        .values(
            "id",
            "title",
            "project_id",
            "project__name",
            "raised_in_phase",
            "status",
            "created_at",
            "acknowledged_at",
            "closed_at",
            "implementation_at",
        )
    )
    early = sum(1 for row in rows if row["raised_in_phase"] in EARLY_PHASES)
    per_phase = Counter(row["raised_in_phase"] for row in rows)
    lead_times = [
        {
            "flag": row["id"],
            "title": row["title"],
            "project": row["project_id"],
            "project_name": row["project__name"],
            "raised_in_phase": row["raised_in_phase"],
            "days": (
                timezone.localdate(row["implementation_at"]) - timezone.localdate(row["created_at"])
            ).days,
        }
        for row in rows
        if row["implementation_at"] is not None
    ]
    today = timezone.localdate(now)
    ages = Counter()
    for row in rows:
        if row["status"] in ACTIVE_STATUSES:
            age = (today - timezone.localdate(row["created_at"])).days
            for low, high, label in AGE_BUCKETS:
                if age >= low and (high is None or age <= high):
                    ages[label] += 1
    months: dict[str, dict[str, int]] = {}
    cursor = start.replace(day=1)
    while cursor <= end:
        months[_month(cursor)] = {"early": 0, "late": 0}
        cursor = (cursor + datetime.timedelta(days=32)).replace(day=1)
    for row in rows:
        bucket = months.setdefault(
            _month(timezone.localdate(row["created_at"])), {"early": 0, "late": 0}
        )
        bucket["early" if row["raised_in_phase"] in EARLY_PHASES else "late"] += 1
    return {
        "start": start,
        "end": end,
        "project": project.pk if project is not None else None,
        "raised": {
            "total": len(rows),
            "early": early,
            "late": len(rows) - early,
            "early_share": round(early / len(rows), 3) if rows else None,
            "by_phase": {phase: per_phase.get(phase, 0) for phase in Phase.values},
        },
        "to_acknowledge": _summary(
            [_hours(r["acknowledged_at"], r["created_at"]) for r in rows if r["acknowledged_at"]]
        ),
        "to_resolve": _summary(
            [
                _hours(r["closed_at"], r["created_at"])
                for r in rows
                if r["closed_at"] and r["status"] not in ACTIVE_STATUSES
            ]
        ),
        "open_by_age": [{"age": label, "count": ages.get(label, 0)} for _, _, label in AGE_BUCKETS],
        "lead_times": lead_times,
        "median_lead_days": _round(percentile([lt["days"] for lt in lead_times], 0.5)),
        "by_month": [{"month": month, **counts} for month, counts in sorted(months.items())],
    }


# The list's order when none is asked for: active first, worst first, then newest.
DEFAULT_ORDER = (
    Case(When(status__in=ACTIVE_STATUSES, then=Value(0)), default=Value(1)),
    "-severity_order",
    "-created_at",
    "-id",
)
DEFAULT_STATS_DAYS = 365
MAX_STATS_DAYS = 5 * 366


def stats_period_check(start: datetime.date, end: datetime.date) -> None:
    """Refuse a period that ends before it starts, spans more than five years, or leaves
    the dates Tandem stores."""
    for field, day in (("start", start), ("end", end)):
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise ValidationError(
                {field: f"Use a date between {EARLIEST_DATE:%Y-%m-%d} and {LATEST_DATE:%Y-%m-%d}."}
            )
    if end < start:
        raise ValidationError({"end": "Choose an end on or after the start."})
    if (end - start).days >= MAX_STATS_DAYS:
        raise ValidationError({"start": "Choose a period of at most five years."})


def default_stats_period() -> tuple[datetime.date, datetime.date]:
    """The last ``DEFAULT_STATS_DAYS`` days, today included."""
    today = timezone.localdate()
    return today - datetime.timedelta(days=DEFAULT_STATS_DAYS - 1), today
