"""Progress of ideas on metrics: the latest value against the baseline and the value as
of N days ago, computed in the database one query for all pairs, and each metric's
leading idea."""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from ..models import Board, Direction, Idea, Metric, Reading, Status

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


def _row_numbers(row: dict) -> dict:
    """:func:`progress_compute` for a row of :func:`_progress_rows`."""
    return progress_compute(
        latest=row["latest"],
        past=row["past"],
        baseline=row["baseline"],
        direction=row["direction"],
        gain_bar=row["board__gain_bar"],
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
        numbers = _row_numbers(row)
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
    numbers = _row_numbers(row)
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
