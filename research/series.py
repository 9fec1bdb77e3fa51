"""Selector of metric series: an idea's (or several ideas') whole history of one metric,
downsampled to a bounded number of points, for the idea chart, the compare chart and the API.

Nothing is ever cut off: when a series holds more readings than the chart has points, the
readings are grouped into equal buckets of time (or of training step) and each bucket keeps
its minimum, maximum and mean, so a spike survives downsampling as the bucket's maximum.
PostgreSQL buckets in SQL (one aggregate query); other databases (SQLite in ``make run``)
stream the readings through the same arithmetic in Python.

The x axis is the training step when every reading in the window carries one (training
curves), else time. A window (``start``/``end``) narrows the series to a range of time or
of steps: zooming in on a small enough range gives every reading at full detail.
"""

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import Count, Max, Min, QuerySet

from .models import Metric, Reading

AXIS_TIME = "time"
AXIS_STEP = "step"
DEFAULT_POINTS = 500
MIN_POINTS = 10
MAX_POINTS = 2000


@dataclass(frozen=True)
class Bucket:
    """One point of a series: a single reading (``count`` 1) or a bucket of readings.

    ``x``/``x_last`` are the first and last reading's time (a datetime) or step (an int).
    """

    x: datetime | int
    x_last: datetime | int
    min: float
    max: float
    mean: float
    count: int


@dataclass
class Series:
    """One idea's readings of one metric in a window: ``total`` readings shown as
    ``len(points)`` points; ``downsampled`` when those are buckets rather than readings."""

    idea_id: int
    metric_id: int
    axis: str
    total: int = 0
    downsampled: bool = False
    first: datetime | int | None = None
    last: datetime | int | None = None
    points: list[Bucket] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The JSON shape of the API's answer (``SeriesSerializer``), for pages that embed it."""

        def x(value):
            return value.isoformat() if isinstance(value, datetime) else value

        return {
            "idea": self.idea_id,
            "metric": self.metric_id,
            "axis": self.axis,
            "total": self.total,
            "downsampled": self.downsampled,
            "first": x(self.first),
            "last": x(self.last),
            "points": [
                {
                    "x": x(p.x),
                    "x_last": x(p.x_last),
                    "min": p.min,
                    "max": p.max,
                    "mean": p.mean,
                    "count": p.count,
                }
                for p in self.points
            ],
        }


def _window(readings: QuerySet, axis_hint: str | None, start, end) -> QuerySet:
    """Readings inside [start, end]: steps when the bounds are ints, times otherwise."""
    by_step = axis_hint == AXIS_STEP
    column = "step" if by_step else "recorded_at"
    if start is not None:
        readings = readings.filter(**{f"{column}__gte": start})
    if end is not None:
        readings = readings.filter(**{f"{column}__lte": end})
    return readings


def series_for(
    *,
    idea_ids: Iterable[int],
    metric: Metric,
    points: int = DEFAULT_POINTS,
    start: datetime | int | None = None,
    end: datetime | int | None = None,
) -> dict[int, Series]:
    """The series of ``metric`` for each idea in ``idea_ids``, keyed by idea id.

    ``start``/``end`` (inclusive) are both ints (a step range: the axis is steps) or
    datetimes/None (a time range). Every idea gets at most ``points`` points on one shared
    axis and, when downsampled, one shared bucket grid (so overlaid ideas line up).
    Queries: one for the counts and bounds, then one for the ideas whose readings fit
    as they are, and one that buckets the others.
    """
    idea_ids = list(dict.fromkeys(idea_ids))
    step_window = isinstance(start, int) or isinstance(end, int)
    result: dict[int, Series] = {}
    if not idea_ids:
        return result
    readings = _window(
        Reading.objects.filter(metric=metric, idea_id__in=idea_ids),
        AXIS_STEP if step_window else None,
        start,
        end,
    )
    stats = {
        row["idea_id"]: row
        for row in readings.values("idea_id")
        .order_by()
        .annotate(
            n=Count("id"),
            n_step=Count("step"),
            t0=Min("recorded_at"),
            t1=Max("recorded_at"),
            s0=Min("step"),
            s1=Max("step"),
        )
    }
    # One axis for all: steps when asked for, or when every reading in the window has one.
    counted = [row for row in stats.values() if row["n"]]
    by_step = step_window or bool(counted and all(r["n_step"] == r["n"] for r in counted))
    axis = AXIS_STEP if by_step else AXIS_TIME
    if by_step and not step_window:
        readings = readings.filter(step__isnull=False)
    lo_key, hi_key, n_key = ("s0", "s1", "n_step") if by_step else ("t0", "t1", "n")
    for idea_id in idea_ids:
        row = stats.get(idea_id)
        total = row[n_key] if row else 0
        result[idea_id] = Series(
            idea_id=idea_id,
            metric_id=metric.pk,
            axis=axis,
            total=total,
            downsampled=total > points,
            first=row[lo_key] if total else None,
            last=row[hi_key] if total else None,
        )
    small = [i for i, s in result.items() if 0 < s.total <= points]
    large = [i for i, s in result.items() if s.downsampled]
    if small:
        _fill_raw(result, readings.filter(idea_id__in=small), by_step)
    if large:
        lo = min(_number(result[i].first) for i in large)
        hi = max(_number(result[i].last) for i in large)
        big = readings.filter(idea_id__in=large)
        rows = (
            _buckets_sql(big, by_step, lo, hi, points)
            if connection.vendor == "postgresql"
            else _buckets_python(_xs(big, by_step), lo, hi, points)
        )
        for idea_id, bucket in rows:
            result[idea_id].points.append(bucket)
    return result


def series_one(
    *, idea_id: int, metric: Metric, points: int = DEFAULT_POINTS, start=None, end=None
) -> Series:
    """One idea's series (the idea chart and the API)."""
    return series_for(idea_ids=[idea_id], metric=metric, points=points, start=start, end=end)[
        idea_id
    ]


def _number(x: datetime | int) -> float:
    """An x as a number for the bucket arithmetic: seconds since the epoch, or the step."""
    return x.timestamp() if isinstance(x, datetime) else float(x)


def _fill_raw(result: dict[int, Series], readings: QuerySet, by_step: bool) -> None:
    order = (
        ["idea_id", "step", "recorded_at", "id"] if by_step else ["idea_id", "recorded_at", "id"]
    )
    for idea_id, value, moment, step in readings.order_by(*order).values_list(
        "idea_id", "value", "recorded_at", "step"
    ):
        x = step if by_step else moment
        result[idea_id].points.append(Bucket(x, x, value, value, value, 1))


def _bucket_of(x: float, lo: float, hi: float, points: int) -> int:
    """The same arithmetic as the SQL: ``points`` equal buckets over [lo, hi]."""
    if hi <= lo:
        return 0
    return min(math.floor((x - lo) * points / (hi - lo)), points - 1)


def _xs(readings: QuerySet, by_step: bool) -> Iterator[tuple[int, float, datetime | int]]:
    column = "step" if by_step else "recorded_at"
    return (
        readings.order_by("idea_id", column, "id")
        .values_list("idea_id", "value", column)
        .iterator(chunk_size=5000)
    )


def _buckets_python(
    rows: Iterable[tuple[int, float, datetime | int]], lo: float, hi: float, points: int
) -> list[tuple[int, Bucket]]:
    """Buckets of (idea id, value, x) rows sorted by idea and x: the fallback of other
    databases than PostgreSQL, and the reference the SQL is tested against."""
    out: list[tuple[int, Bucket]] = []
    current = None  # [idea_id, bucket, x, x_last, min, max, sum, count]
    for idea_id, value, x in rows:
        bucket = _bucket_of(_number(x), lo, hi, points)
        if current and current[0] == idea_id and current[1] == bucket:
            current[3] = x
            current[4] = min(current[4], value)
            current[5] = max(current[5], value)
            current[6] += value
            current[7] += 1
            continue
        if current:
            out.append((current[0], _close(current)))
        current = [idea_id, bucket, x, x, value, value, value, 1]
    if current:
        out.append((current[0], _close(current)))
    return out


def _close(c: list) -> Bucket:
    return Bucket(x=c[2], x_last=c[3], min=c[4], max=c[5], mean=c[6] / c[7], count=c[7])


def _buckets_sql(
    readings: QuerySet, by_step: bool, lo: float, hi: float, points: int
) -> list[tuple[int, Bucket]]:
    """PostgreSQL: group the window's readings into buckets in one aggregate query."""
    inner, params = (
        readings.order_by()
        .values("idea_id", "value", "recorded_at", "step")
        .query.sql_with_params()
    )
    x = "r.step::float8" if by_step else "date_part('epoch', r.recorded_at)"
    span = hi - lo
    bucket = "0" if span <= 0 else f"LEAST(FLOOR(({x} - %s) * %s / %s), %s - 1)::int"
    bucket_params = [] if span <= 0 else [lo, points, span, points]
    first, last = (
        ("MIN(r.step)", "MAX(r.step)")
        if by_step
        else (
            "MIN(r.recorded_at)",
            "MAX(r.recorded_at)",
        )
    )
    # The bucket expression inline (grouped by position): a LATERAL subquery per row cost
    # a fifth more on a million readings.
    sql = (
        f"SELECT r.idea_id, {bucket} AS bucket, {first}, {last}, MIN(r.value), MAX(r.value), "
        f"AVG(r.value), COUNT(*) FROM ({inner}) r GROUP BY 1, 2 ORDER BY 1, 2"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*bucket_params, *params])
        rows = cursor.fetchall()
    return [
        (idea_id, Bucket(x=x0, x_last=x1, min=mn, max=mx, mean=avg, count=n))
        for idea_id, _, x0, x1, mn, mx, avg, n in rows
    ]


def gain_bar_value(metric: Metric, gain_bar: float) -> float | None:
    """The value a reading must reach to clear the board's gain bar on ``metric``
    (the baseline improved by ``gain_bar`` percent in the metric's direction);
    None when the baseline is 0 (no relative gain is defined)."""
    if metric.baseline == 0:
        return None
    sign = 1 if metric.higher_is_better else -1
    return metric.baseline + sign * abs(metric.baseline) * gain_bar / 100.0


__all__ = [
    "AXIS_STEP",
    "AXIS_TIME",
    "DEFAULT_POINTS",
    "MAX_POINTS",
    "MIN_POINTS",
    "Bucket",
    "Series",
    "gain_bar_value",
    "series_for",
    "series_one",
]
