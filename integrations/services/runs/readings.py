"""Metric points become readings: every point is stored, those whose key names a board
metric (or an alias) on a run with an idea become readings, and mapping a key later
converts its history."""

import datetime
import math

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from activity.models import EventType
from activity.services import activity_record
from research.models import Metric
from research.permissions import require_manage_boards
from research.services import MAX_BULK_READINGS, ReadingsInvalid, readings_ingest

from ...models import MetricAlias, Run, RunMetric
from .parsing import Point, _key


def _history(run: Run, keys: set[str] | None = None) -> list[Point]:
    points = RunMetric.objects.filter(run=run)
    if keys is not None:
        points = points.filter(key__in=keys)
    return [
        Point(key, value, timestamp, step)
        for key, value, timestamp, step in points.order_by("timestamp", "step", "id").values_list(
            "key", "value", "timestamp", "step"
        )
    ]


def _store_points(run: Run, points: list[Point]) -> None:
    """Every point, as sent: COPY on PostgreSQL, ``bulk_create`` elsewhere."""
    if connection.vendor == "postgresql":
        table = RunMetric._meta.db_table
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {table} (run_id, key, value, timestamp, step) FROM STDIN"
            ) as copy,
        ):
            for p in points:
                copy.write_row((run.pk, p.key, p.value, p.timestamp, p.step))
        return
    RunMetric.objects.bulk_create(
        RunMetric(run=run, key=p.key, value=p.value, timestamp=p.timestamp, step=p.step)
        for p in points
    )


def metric_keys(board_id: int) -> dict[str, int]:
    """Run key → board metric id: the metric names first, then the aliases."""
    keys = dict(Metric.objects.filter(board_id=board_id).values_list("name", "pk"))
    keys.update(MetricAlias.objects.filter(board_id=board_id).values_list("key", "metric_id"))
    return keys


def _readings_from(run: Run, points: list[Point], actor: User) -> int:
    """Readings for the points whose key maps to a board metric. Non-finite values, and
    times research refuses (before 1970, in the future), stay in the run only."""
    mapping = metric_keys(run.board_id)
    items = [
        {
            "idea": run.idea_id,
            "metric": mapping[p.key],
            "value": p.value,
            "recorded_at": datetime.datetime.fromtimestamp(p.timestamp / 1000, tz=datetime.UTC),
            "step": p.step,
            "source": run.run_id,
        }
        for p in points
        if p.key in mapping and math.isfinite(p.value) and 0 <= p.timestamp < 2**53
    ]
    created = 0
    for start in range(0, len(items), MAX_BULK_READINGS):
        chunk = items[start : start + MAX_BULK_READINGS]
        try:
            created += readings_ingest(items=chunk, actor=actor, default_source=run.run_id)
        except ReadingsInvalid as invalid:
            # Research's own rules refused some points: keep them in the run, store the rest.
            kept = [item for i, item in enumerate(chunk) if str(i) not in invalid.errors]
            if kept:
                created += readings_ingest(items=kept, actor=actor, default_source=run.run_id)
    return created


# --- mapping keys later ------------------------------------------------------------------


@transaction.atomic
def metric_alias_create(*, metric: Metric, key: str, actor: User) -> MetricAlias:
    """Map a run metric key to a board metric (managers: it applies to the whole board).

    The key's history in every run on an idea of the board becomes readings at once.
    """
    require_manage_boards(actor)
    key = _key(key, "key")
    if Metric.objects.filter(board_id=metric.board_id, name=key).exists():
        raise ValidationError({"key": f"'{key}' is already the name of a metric on this board."})
    if MetricAlias.objects.filter(board_id=metric.board_id, key=key).exists():
        raise ValidationError({"key": f"'{key}' is already mapped to a metric on this board."})
    alias = MetricAlias.objects.create(
        board_id=metric.board_id, metric=metric, key=key, created_by=actor
    )
    runs = Run.objects.filter(board_id=metric.board_id, idea__isnull=False, metrics__key=key)
    converted = 0
    for run in runs.distinct().select_related("idea"):
        converted += _readings_from(run, _history(run, {key}), actor)
    activity_record(
        actor=actor,
        event=EventType.RUN_KEY_MAPPED,
        target=metric.board,
        project=metric.board.project,
        data={"key": key, "metric": metric.pk, "readings": converted},
    )
    return alias
