"""Boards and what the board pages show around the columns: counts, the best idea, the
metrics, the columns and the funnel over time."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Case, Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.utils import timezone

from projects.models import Project

from ..models import (
    ACTIVE_STATUSES,
    Board,
    Direction,
    Idea,
    IdeaStatusChange,
    Metric,
    Reading,
    Status,
)
from .progress import progress_compute


def boards_for_project(project: Project) -> QuerySet[Board]:
    """A project's boards with their primary metric and idea counts (for the Board tab)."""
    return (
        Board.objects.filter(project=project)
        .select_related("primary_metric")
        .annotate(
            idea_count=Count("ideas", distinct=True),
            active_count=Count("ideas", filter=~Q(ideas__status=Status.DROPPED), distinct=True),
            promoted_count=Count("ideas", filter=Q(ideas__status=Status.PROMOTED), distinct=True),
        )
        .order_by("title", "id")
    )


def boards_overview() -> QuerySet[Board]:
    """Every board (everyone signed in may read every board) with its project, primary
    metric, idea counts and its best idea on the primary metric, for the boards list.

    One query: the best idea is the non-dropped idea whose latest reading on the primary
    metric is best for the metric's direction, found by correlated subqueries (one index
    probe per idea); ``progress_compute`` turns its value into the gain in Python.
    """
    latest = Subquery(
        Reading.objects.filter(idea_id=OuterRef("pk"), metric_id=OuterRef("board__primary_metric"))
        .order_by("-recorded_at", "-id")
        .values("value")[:1]
    )
    score = Case(
        When(board__primary_metric__direction=Direction.HIGHER, then=F("latest")),
        default=-F("latest"),
    )
    best = (
        Idea.objects.filter(board_id=OuterRef("pk"))
        .exclude(status=Status.DROPPED)
        .annotate(latest=latest)
        .filter(latest__isnull=False)
        .order_by(score.desc(), "position", "id")
    )
    counts = {
        "idea_count": Count("ideas", distinct=True),
        "active_count": Count("ideas", filter=~Q(ideas__status=Status.DROPPED), distinct=True),
        "promoted_count": Count("ideas", filter=Q(ideas__status=Status.PROMOTED), distinct=True),
    }
    return (
        Board.objects.select_related("project", "primary_metric")
        .annotate(
            **counts,
            best_idea_id=Subquery(best.values("pk")[:1]),
            best_idea_title=Subquery(best.values("title")[:1]),
            best_latest=Subquery(best.values("latest")[:1]),
        )
        .order_by("project__name", "title", "id")
    )


def board_best_gain(board: Board) -> float | None:
    """The relative gain (percent) of a ``boards_overview`` board's best idea."""
    metric = board.primary_metric
    if metric is None or board.best_latest is None:
        return None
    return progress_compute(
        latest=board.best_latest,
        past=None,
        baseline=metric.baseline,
        direction=metric.direction,
        gain_bar=board.gain_bar,
    )["gain_pct"]


def board_list() -> QuerySet[Board]:
    """Boards with their project, primary metric and metrics (for the API)."""
    return (
        Board.objects.select_related("project", "primary_metric")
        .prefetch_related(Prefetch("metrics", queryset=Metric.objects.order_by("id")))
        .order_by("project__name", "title", "id")
    )


def board_detail() -> QuerySet[Board]:
    """Boards with what the board page shows around the columns."""
    return Board.objects.select_related("project", "primary_metric")


def board_metrics(board: Board) -> QuerySet[Metric]:
    """A board's metrics in creation order."""
    return Metric.objects.filter(board=board).order_by("id")


def metric_list() -> QuerySet[Metric]:
    """Metrics of every board (for the API; ``metric_best_ideas`` adds the leaders)."""
    return Metric.objects.select_related("board").order_by("board_id", "id")


def board_ideas(board: Board) -> QuerySet[Idea]:
    """A board's ideas with their owners, in column order."""
    return Idea.objects.filter(board=board).select_related("owner").order_by("position", "id")


def board_columns(board: Board, ideas: Iterable[Idea]) -> list[dict]:
    """Ideas grouped into the board's status columns, in funnel order, dropped last."""
    by_status: dict[str, list[Idea]] = defaultdict(list)
    for idea in ideas:
        by_status[idea.status].append(idea)
    return [
        {"status": status, "label": Status(status).label, "ideas": by_status.get(status, [])}
        for status in [*ACTIVE_STATUSES, Status.DROPPED]
    ]


def board_funnel(board: Board, *, weeks: int = 8, now: datetime | None = None) -> dict[str, list]:
    """Active ideas per status at the end of each of the last ``weeks`` weeks, and now.

    Replays the board's recorded status changes (one query; their number grows with moves,
    not with readings). Returns ``{"labels": [...], "series": {status: [count, ...]}}``.
    """
    now = now or timezone.now()
    points = [now - timedelta(weeks=w) for w in range(weeks, 0, -1)] + [now]
    changes = (
        IdeaStatusChange.objects.filter(board=board, created_at__lte=now)
        .order_by("created_at", "id")
        .values_list("idea_id", "to_status", "created_at")
    )
    status_of: dict[int, str] = {}
    series: dict[str, list[int]] = {status: [] for status in ACTIVE_STATUSES}
    changes = list(changes)
    position = 0
    for point in points:
        while position < len(changes) and changes[position][2] <= point:
            idea_id, to_status, _ = changes[position]
            status_of[idea_id] = to_status
            position += 1
        counts: dict[str, int] = defaultdict(int)
        for status in status_of.values():
            counts[status] += 1
        for status in ACTIVE_STATUSES:
            series[status].append(counts.get(status, 0))
    labels = [timezone.localtime(p).date().isoformat() for p in points[:-1]] + ["now"]
    return {"labels": labels, "series": series}
