"""Every non-trivial read of the research app; the UI and the API call the same functions.

Progress is computed in the database: for each (idea, metric) pair one query fetches the
latest value and the value as of N days ago with correlated ``ORDER BY recorded_at DESC
LIMIT 1`` subqueries, each one backward probe of the (idea, metric, recorded_at) index,
so the cost depends on the number of pairs shown, not on the number of readings stored.
Only the arithmetic on those two numbers per pair happens in Python.
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    Case,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from projects.models import Project
from projects.selectors import person_projects_q

from .models import (
    ACTIVE_STATUSES,
    Board,
    Direction,
    Idea,
    IdeaStatusChange,
    Metric,
    Reading,
    Status,
    Task,
)

DEFAULT_SINCE_DAYS = 7
MAX_SINCE_DAYS = 365


def since_days_parse(raw, default: int = DEFAULT_SINCE_DAYS) -> int:
    """The "compare with N days ago" parameter: an integer from 1 to 365, else the default."""
    try:
        days = int(raw)
    except (TypeError, ValueError):
        return default
    return days if 1 <= days <= MAX_SINCE_DAYS else default


@dataclass(frozen=True)
class Progress:
    """One idea's standing on one metric.

    ``change`` is latest minus the value as of ``since_days`` ago; ``gain_pct`` is the
    relative improvement over the baseline in percent, positive when better whichever the
    metric's direction (None when the baseline is 0 or there is no reading); ``improved``
    is whether the change went the good way (None when unknown or unchanged).
    """

    idea_id: int
    metric_id: int
    latest: float | None
    latest_at: datetime | None
    past: float | None
    change: float | None
    gain_pct: float | None
    clears_bar: bool | None
    improved: bool | None
    is_best: bool = False
    metric_name: str = ""
    primary: bool = False

    @property
    def trend(self) -> str:
        """``up``, ``down`` or ``flat`` in the metric's own terms (for arrows and text)."""
        if self.change is None or self.change == 0:
            return "flat"
        return "up" if self.change > 0 else "down"


# Gains are ratios of floats: 0.84 over a 0.8 baseline is 4.999999999999992 %, not 5 %.
# Within this much of the bar a gain counts as at the bar (it clears it).
GAIN_TOLERANCE = 1e-9


def clears_bar(gain_pct: float, gain_bar: float) -> bool:
    """Whether a gain reaches the bar; a gain exactly at the bar clears it."""
    return gain_pct >= gain_bar - GAIN_TOLERANCE


def progress_compute(
    *,
    latest: float | None,
    past: float | None,
    baseline: float,
    direction: str,
    gain_bar: float,
) -> dict:
    """The arithmetic of progress for one pair, from its latest and past values."""
    change = None if latest is None or past is None else latest - past
    gain_pct = None
    if latest is not None and baseline != 0:
        better_by = latest - baseline if direction == Direction.HIGHER else baseline - latest
        gain_pct = better_by / abs(baseline) * 100.0
    # Two finite readings far apart can still differ by more than a float holds; JSON has no
    # infinity, so an overflow is "unknown" rather than a page that cannot render.
    if change is not None and not math.isfinite(change):
        change = None
    if gain_pct is not None and not math.isfinite(gain_pct):
        gain_pct = None
    improved = None
    if change:
        improved = change > 0 if direction == Direction.HIGHER else change < 0
    return {
        "change": change,
        "gain_pct": gain_pct,
        "clears_bar": None if gain_pct is None else clears_bar(gain_pct, gain_bar),
        "improved": improved,
    }


def _progress_rows(metrics: QuerySet, cutoff: datetime) -> QuerySet:
    """(metric, idea) pairs of the same board, each with its latest and past reading."""
    readings = Reading.objects.filter(idea_id=OuterRef("idea_id"), metric_id=OuterRef("pk"))
    newest_first = readings.order_by("-recorded_at", "-id")
    return metrics.annotate(
        idea_id=F("board__ideas__id"),
        idea_status=F("board__ideas__status"),
        latest=Subquery(newest_first.values("value")[:1]),
        latest_at=Subquery(newest_first.values("recorded_at")[:1]),
        past=Subquery(newest_first.filter(recorded_at__lte=cutoff).values("value")[:1]),
    ).values(
        "pk",
        "name",
        "unit",
        "board__primary_metric",
        "idea_id",
        "idea_status",
        "direction",
        "baseline",
        "board__gain_bar",
        "latest",
        "latest_at",
        "past",
    )


def _progress_from_rows(rows: Iterable[dict]) -> dict[tuple[int, int], Progress]:
    rows = list(rows)
    best: dict[int, tuple[float, int]] = {}
    for row in rows:
        if row["latest"] is None or row["idea_status"] == Status.DROPPED:
            continue
        score = row["latest"] if row["direction"] == Direction.HIGHER else -row["latest"]
        current = best.get(row["pk"])
        if current is None or score > current[0]:
            best[row["pk"]] = (score, row["idea_id"])
    result = {}
    for row in rows:
        numbers = progress_compute(
            latest=row["latest"],
            past=row["past"],
            baseline=row["baseline"],
            direction=row["direction"],
            gain_bar=row["board__gain_bar"],
        )
        result[(row["idea_id"], row["pk"])] = Progress(
            idea_id=row["idea_id"],
            metric_id=row["pk"],
            latest=row["latest"],
            latest_at=row["latest_at"],
            past=row["past"],
            is_best=best.get(row["pk"], (None, None))[1] == row["idea_id"],
            metric_name=row["name"],
            primary=row["pk"] == row["board__primary_metric"],
            **numbers,
        )
    return result


def _cutoff(since_days: int, now: datetime | None) -> datetime:
    return (now or timezone.now()) - timedelta(days=since_days)


def progress_for_board(
    board: Board, *, since_days: int = DEFAULT_SINCE_DAYS, now: datetime | None = None
) -> dict[tuple[int, int], Progress]:
    """Progress of every idea of ``board`` on every metric, keyed by (idea id, metric id).

    One query. ``is_best`` marks the best non-dropped idea per metric on the board.
    """
    rows = _progress_rows(
        Metric.objects.filter(board=board, board__ideas__isnull=False), _cutoff(since_days, now)
    )
    return _progress_from_rows(rows)


def progress_by_idea(progress: dict[tuple[int, int], Progress]) -> dict[int, list[Progress]]:
    """Regroup progress per idea, metrics in creation order."""
    grouped: dict[int, list[Progress]] = defaultdict(list)
    for key in sorted(progress):
        grouped[key[0]].append(progress[key])
    return grouped


def progress_for_ideas(
    ideas: Iterable[Idea], *, since_days: int = DEFAULT_SINCE_DAYS, now: datetime | None = None
) -> dict[tuple[int, int], Progress]:
    """Progress of the given ideas on every metric of their boards, in one query.

    The query covers every idea of the boards involved, so ``is_best`` is board-wide even
    when ``ideas`` is one page of a board (boards hold tens of ideas, not thousands).
    """
    ideas = list(ideas)
    if not ideas:
        return {}
    wanted = {idea.pk for idea in ideas}
    board_ids = {idea.board_id for idea in ideas}
    rows = _progress_rows(
        Metric.objects.filter(board_id__in=board_ids, board__ideas__isnull=False),
        _cutoff(since_days, now),
    )
    return {key: p for key, p in _progress_from_rows(rows).items() if key[0] in wanted}


def idea_primary_gain(idea: Idea, *, now: datetime | None = None) -> dict | None:
    """The idea's standing on its board's primary metric against the gain bar:
    ``{"metric": "AUC (pts)", "gain_pct": float | None, "gain_bar": float}``, or None when
    the board has no primary metric. One query (none without a primary metric); ``idea``
    needs its board loaded.
    """
    primary_id = idea.board.primary_metric_id
    if primary_id is None:
        return None
    rows = list(
        _progress_rows(
            Metric.objects.filter(pk=primary_id, board__ideas__id=idea.pk),
            _cutoff(DEFAULT_SINCE_DAYS, now),
        )
    )
    if not rows:
        return None
    row = rows[0]
    numbers = progress_compute(
        latest=row["latest"],
        past=row["past"],
        baseline=row["baseline"],
        direction=row["direction"],
        gain_bar=row["board__gain_bar"],
    )
    label = f"{row['name']} ({row['unit']})" if row["unit"] else row["name"]
    return {"metric": label, "gain_pct": numbers["gain_pct"], "gain_bar": row["board__gain_bar"]}


def metric_best_ideas(
    metrics: Iterable[Metric], *, now: datetime | None = None
) -> dict[int, tuple[int, float]]:
    """For each metric, (idea id, latest value) of its board's best non-dropped idea.

    One query over the metrics' boards' (metric, idea) pairs.
    """
    ids = [metric.pk for metric in metrics]
    if not ids:
        return {}
    rows = _progress_rows(
        Metric.objects.filter(pk__in=ids, board__ideas__isnull=False), _cutoff(1, now)
    )
    best: dict[int, tuple[int, float]] = {}
    for (idea_id, metric_id), progress in _progress_from_rows(rows).items():
        if progress.is_best:
            best[metric_id] = (idea_id, progress.latest)
    return best


# --- boards -----------------------------------------------------------------------------


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


def tasks_for_project(project: Project) -> QuerySet:
    """Engineering tasks of the project's promoted ideas (for the project pages)."""
    return task_rows().filter(idea__board__project=project)


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


# --- ideas ------------------------------------------------------------------------------


def idea_list() -> QuerySet[Idea]:
    """Ideas for lists: with the owner's name joined in and nothing else loaded that a
    list does not show (every datetime column costs parsing on a page of 100)."""
    return (
        Idea.objects.select_related("owner")
        .only(
            *IDEA_LIST_FIELDS,
            "owner__username",
            "owner__first_name",
            "owner__last_name",
        )
        .order_by("board_id", "position", "id")
    )


IDEA_LIST_FIELDS = [
    "id",
    "board_id",
    "title",
    "hypothesis",
    "owner_id",
    "status",
    "maturity",
    "position",
    "dropped_reason",
    "created_at",
    "updated_at",
]


def idea_detail() -> QuerySet[Idea]:
    """Ideas with their board, project, primary metric and owner (for the idea's pages)."""
    return Idea.objects.select_related("board__project", "board__primary_metric", "owner")


def idea_with_board() -> QuerySet[Idea]:
    """Ideas with their board and project: what the idea's forms and buttons need."""
    return Idea.objects.select_related("board__project")


def idea_has_tasks(idea: Idea) -> bool:
    return Task.objects.filter(idea=idea).exists()


READING_PAGE = 50
# Counting every reading of an idea scans them all (a million on a busy idea): the table
# says "more than 10,000" instead.
READING_COUNT_CAP = 10_000


def idea_reading_count(idea: Idea, *, cap: int = READING_COUNT_CAP) -> int:
    """How many readings the idea has, counted up to ``cap + 1`` (one index range scan)."""
    return Reading.objects.filter(idea=idea).order_by()[: cap + 1].count()


@dataclass(frozen=True)
class ReadingPage:
    """One page of an idea's readings, newest first, and the cursors to the pages around it
    (``None`` at either end). A cursor is ``"<recorded_at ISO>|<id>"``."""

    rows: list
    older: str | None
    newer: str | None


def reading_cursor(reading: Reading) -> str:
    return f"{reading.recorded_at.isoformat()}|{reading.pk}"


def reading_cursor_parse(raw: str | None) -> tuple[datetime, int] | None:
    """A cursor from the URL, or None when it is absent or not one of ours."""
    moment, _, pk = (raw or "").partition("|")
    try:
        at = parse_datetime(moment)
    except ValueError:
        return None
    if at is None or not pk.isascii() or not pk.isdigit() or timezone.is_naive(at):
        return None
    return at, int(pk)


def idea_readings_page(
    idea: Idea,
    *,
    source: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
    older_than: tuple[datetime, int] | None = None,
    newer_than: tuple[datetime, int] | None = None,
    limit: int = READING_PAGE,
) -> ReadingPage:
    """A page of the idea's readings, newest first, filtered by source and time.

    Keyset pagination over the (idea, recorded_at, id) index: every page costs one index
    range scan of ``limit + 1`` rows, the first page as much as the ten-thousandth.
    """
    readings = Reading.objects.filter(idea=idea).select_related("metric", "created_by")
    if source:
        readings = readings.filter(source=source)
    if start is not None:
        readings = readings.filter(recorded_at__gte=start)
    if end is not None:
        readings = readings.filter(recorded_at__lt=end)
    if newer_than is not None:
        at, pk = newer_than
        rows = list(
            readings.filter(Q(recorded_at__gt=at) | Q(recorded_at=at, id__gt=pk)).order_by(
                "recorded_at", "id"
            )[: limit + 1]
        )
        more_newer = len(rows) > limit
        rows = rows[:limit][::-1]
        return ReadingPage(
            rows=rows,
            older=reading_cursor(rows[-1]) if rows else None,
            newer=reading_cursor(rows[0]) if rows and more_newer else None,
        )
    if older_than is not None:
        at, pk = older_than
        readings = readings.filter(Q(recorded_at__lt=at) | Q(recorded_at=at, id__lt=pk))
    rows = list(readings.order_by("-recorded_at", "-id")[: limit + 1])
    more_older = len(rows) > limit
    rows = rows[:limit]
    return ReadingPage(
        rows=rows,
        older=reading_cursor(rows[-1]) if rows and more_older else None,
        newer=reading_cursor(rows[0]) if rows and older_than is not None else None,
    )


def idea_tasks(idea: Idea) -> list[Task]:
    """An idea's engineering tasks with their owners, in order; each knows ``idea`` (with
    whatever it already carries, such as its board and project) without a query."""
    tasks = list(Task.objects.filter(idea=idea).select_related("owner").order_by("position", "id"))
    for task in tasks:
        task.idea = idea
    return tasks


def idea_status_history(idea: Idea, *, limit: int = 20) -> list[IdeaStatusChange]:
    """An idea's latest status changes with who made them, newest first."""
    return list(
        IdeaStatusChange.objects.filter(idea=idea)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


def ideas_owned_by(user, *, limit: int = 10) -> QuerySet[Idea]:
    """The person's ideas still in play (not dropped), most recently changed first."""
    return (
        Idea.objects.filter(owner=user)
        .exclude(status=Status.DROPPED)
        .select_related("board")
        .order_by("-updated_at", "-id")[:limit]
    )


def open_tasks_of(user, *, limit: int = 10) -> QuerySet[Task]:
    """Engineering tasks assigned to the person and not done yet, soonest due first."""
    return task_rows().filter(owner=user, done=False)[:limit]


def claimable_tasks_for(user, *, limit: int = 10) -> QuerySet[Task]:
    """Unassigned open tasks on the person's projects (rotations, memberships, managed):
    what they could claim from the dashboard."""
    projects = Project.objects.filter(person_projects_q(user)).values("pk")
    return task_rows().filter(idea__board__project__in=projects, owner__isnull=True, done=False)[
        :limit
    ]


def task_rows() -> QuerySet[Task]:
    """Tasks with their idea, board, project and owner joined, for task lists (My tasks,
    the dashboard, the project page): open before done, soonest due first, then in each
    idea's order."""
    return Task.objects.select_related("idea__board__project", "owner__profile").order_by(
        "done", F("due_date").asc(nulls_last=True), "idea_id", "position", "id"
    )


# --- readings and tasks -----------------------------------------------------------------


def reading_list() -> QuerySet[Reading]:
    """Readings oldest first (for the API)."""
    return Reading.objects.order_by("recorded_at", "id")


def reading_detail() -> QuerySet[Reading]:
    """Readings with their idea and metric (to delete one and say which)."""
    return Reading.objects.select_related("idea", "metric")


def task_detail() -> QuerySet[Task]:
    """Tasks with their idea (where marking one done sends the person back)."""
    return Task.objects.select_related("idea")


def task_list() -> QuerySet[Task]:
    """Engineering tasks in each idea's order (for the API)."""
    return Task.objects.order_by("idea_id", "position", "id")
