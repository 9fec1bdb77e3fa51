"""Selectors of the portfolio, the roadmap and the release's health suggestion.

Reads only, like ``selectors`` (kept in a module of their own so that one stays short).
Every project is listed, not only the reader's; what other apps count about a project
(open flags, open data gaps) arrives through ``core.registries.project_counts`` as
annotations, and the gates of each project's next phase through
``core.registries.gate_problems_many``, so a page costs the same queries at 5 rows as at 50.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from activity.models import Activity, EventType
from core.registries import gate_problems_many, project_counts

from .models import Health, Phase, PhaseChange, Project
from .selectors import project_list
from .transitions import DELIVERING_PHASES, NEXT_PHASE

# Off track first, then at risk, then on track.
HEALTH_RANK = {Health.OFF_TRACK: 0, Health.AT_RISK: 1, Health.ON_TRACK: 2}


def _today() -> datetime.date:
    return timezone.localdate()


def overdue_q(today: datetime.date) -> Q:
    """Projects past their target release while still delivering (due today is not late)."""
    return Q(target_release__lt=today, phase__in=DELIVERING_PHASES)


def portfolio_list(*, today: datetime.date | None = None) -> QuerySet[Project]:
    """Every project but the archived ones (unless a filter asks for them), worst health
    first, then by target release (none last) and name; each row annotated with
    :func:`~projects.selectors.project_list`'s ``target_count``, ``team_size`` (current and
    planned people) and ``open_demand``, and ``is_overdue``, the latest activity
    (``last_activity_at``, ``last_activity_event``, ``last_activity_target``) and one
    ``open_<key>`` per registered project count."""
    today = today or _today()
    latest = Activity.objects.filter(project=OuterRef("pk")).order_by("-created_at", "-id")
    counts = {count.field: count.expression() for count in project_counts()}
    return (
        project_list(today=today)
        .select_related("product_manager__profile")
        .annotate(
            is_overdue=Case(
                When(overdue_q(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            health_rank=Case(
                *[When(health=health, then=Value(rank)) for health, rank in HEALTH_RANK.items()],
                default=Value(len(HEALTH_RANK)),
                output_field=IntegerField(),
            ),
            last_activity_at=Subquery(latest.values("created_at")[:1]),
            last_activity_event=Subquery(latest.values("event")[:1]),
            last_activity_target=Subquery(latest.values("target_repr")[:1]),
            **counts,
        )
        .order_by("health_rank", F("target_release").asc(nulls_last=True), "name", "pk")
    )


@dataclass
class CountCell:
    """One registered count on a row: ``"2 open flags"`` linking to the project's tab."""

    key: str
    label: str
    count: int
    text: str
    url: str


def portfolio_rows(projects, *, today: datetime.date | None = None) -> list[Project]:
    """Finish a page of :func:`portfolio_list` rows: each gets ``next_phase`` (or ``None``),
    ``failing_gates`` (the problems of moving there, one batched check per gate),
    ``counts`` (:class:`CountCell`, only the non-zero ones) and ``last_activity_text``."""
    projects = list(projects)
    registered = project_counts()
    problems = gate_problems_many((project, NEXT_PHASE.get(project.phase)) for project in projects)
    for project in projects:
        project.next_phase = NEXT_PHASE.get(project.phase)
        project.next_phase_label = Phase(project.next_phase).label if project.next_phase else ""
        project.failing_gates = problems.get(project.pk, [])
        project.counts = [
            CountCell(
                key=count.key,
                label=count.label,
                count=getattr(project, count.field) or 0,
                text=count.text(getattr(project, count.field) or 0),
                url=reverse(count.url_name, kwargs={"slug": project.slug}),
            )
            for count in registered
            if getattr(project, count.field, 0)
        ]
        event = project.last_activity_event
        project.last_activity_text = (
            f"{EventType(event).label} {project.last_activity_target}".strip()
            if event in EventType.values
            else ""
        )
    return projects


# --- the roadmap ---------------------------------------------------------------------------

ROADMAP_MONTHS_BACK = 6
ROADMAP_MONTHS_AHEAD = 6


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The first of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass
class Roadmap:
    """Projects over months: each row's phase segments and target release, in percent of
    the window's width (``first`` to ``last``, whole months)."""

    first: datetime.date
    last: datetime.date
    today: datetime.date
    today_left: float
    months: list[dict]
    rows: list[dict] = field(default_factory=list)


def _percent(day: datetime.date, first: datetime.date, span: int) -> float:
    return round(min(max((day - first).days, 0), span) * 100 / span, 3)


def roadmap(
    projects: QuerySet[Project],
    *,
    today: datetime.date | None = None,
    months_back: int = ROADMAP_MONTHS_BACK,
    months_ahead: int = ROADMAP_MONTHS_AHEAD,
) -> Roadmap:
    """Each project's phases over time (from its :class:`PhaseChange` history, the first
    phase from its creation) and its target release, on a window of whole months around
    ``today``. Two queries however many projects: the rows and their phase changes."""
    today = today or _today()
    first = _add_months(today, -months_back)
    last = _add_months(today, months_ahead + 1) - datetime.timedelta(days=1)
    span = (last - first).days + 1
    months = []
    month = first
    while month <= last:
        months.append(
            {
                "date": month,
                "left": _percent(month, first, span),
                "width": round(calendar.monthrange(month.year, month.month)[1] * 100 / span, 3),
                "current": month.year == today.year and month.month == today.month,
            }
        )
        month = _add_months(month, 1)
    changes = PhaseChange.objects.order_by("created_at", "id")
    result = Roadmap(
        first=first, last=last, today=today, today_left=_percent(today, first, span), months=months
    )
    for project in projects.prefetch_related(
        Prefetch("phase_changes", queryset=changes, to_attr="history")
    ):
        result.rows.append(_roadmap_row(project, first, last, span, today))
    return result


def _roadmap_row(project, first, last, span, today) -> dict:
    local = timezone.localtime
    moves = [(local(change.created_at).date(), change.to_phase) for change in project.history]
    phase = project.history[0].from_phase if project.history else project.phase
    # A history may be dated before the row (imported or seeded): start at the earlier one.
    start = min([local(project.created_at).date(), *[moved_on for moved_on, _ in moves[:1]]])
    periods = []
    for moved_on, to_phase in moves:
        periods.append((phase, start, moved_on))
        phase, start = to_phase, moved_on
    periods.append((phase, start, None))
    segments = []
    for phase, begin, end in periods:
        shown_end = end or today
        if shown_end < first or begin > last or (end is not None and end <= begin):
            continue
        left = _percent(begin, first, span)
        right = _percent(min(shown_end, last) + datetime.timedelta(days=1), first, span)
        segments.append(
            {
                "phase": phase,
                "label": Phase(phase).label,
                "start": begin,
                "end": end,
                "left": left,
                "width": max(round(right - left, 3), 0.5),
            }
        )
    target = project.target_release
    return {
        "project": project,
        "segments": segments,
        "periods": [
            {"label": Phase(phase).label, "start": begin, "end": end}
            for phase, begin, end in periods
        ],
        "target": target,
        "target_shown": target is not None and first <= target <= last,
        "target_left": _percent(target, first, span) if target else None,
        "overdue": getattr(project, "is_overdue", False),
    }


# --- releasing ----------------------------------------------------------------------------


def future_placeholder_count(project: Project, *, today: datetime.date | None = None) -> int:
    """How many of the project's placeholders start after ``today`` (a release asks what
    becomes of them)."""
    today = today or _today()
    return project.rotations.filter(person__isnull=True, start__gt=today).count()


# --- the release's health suggestion -------------------------------------------------------


def release_health_suggestion(
    project: Project, *, today: datetime.date | None = None
) -> tuple[str, list[str]]:
    """The health to give a project as it is released today, and why: off track when it
    ships late *and* leaves open items behind (flags, data gaps), at risk for either one,
    on track otherwise. Reads the registered counts (one query)."""
    today = today or _today()
    reasons: list[str] = []
    if project.target_release is not None and today > project.target_release:
        days = (today - project.target_release).days
        reasons.append(
            f"released {days} day{'' if days == 1 else 's'} after its target release "
            f"({date_format(project.target_release, 'j M Y')})"
        )
    registered = project_counts()
    late = bool(reasons)
    open_items = False
    if registered:
        row = (
            Project.objects.filter(pk=project.pk)
            .annotate(**{count.field: count.expression() for count in registered})
            .values(*[count.field for count in registered])
            .get()
        )
        for count in registered:
            if row[count.field]:
                open_items = True
                reasons.append(count.text(row[count.field]))
    if late and open_items:
        return Health.OFF_TRACK, reasons
    if late or open_items:
        return Health.AT_RISK, reasons
    return Health.ON_TRACK, reasons
