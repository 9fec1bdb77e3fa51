"""Seed a scale data set for the research benchmark: 200 ideas and 1,000,000 readings.

Run inside a configured Django (``bench/run.py`` does it) against a throwaway PostgreSQL
database. Readings go in with COPY; the ideas and metrics through the services.
"""

import random
import time
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from accounts.models import Profile, Role
from accounts.services import api_token_create
from projects.models import Project
from research import services
from research.models import Idea, Metric, Reading

IDEAS = 200
READINGS = 1_000_000
BOARDS = 2


def seed(*, ideas: int = IDEAS, readings: int = READINGS) -> dict:
    """Create the data set; returns ids and the API token the load generator uses."""
    started = time.perf_counter()
    manager, _ = User.objects.get_or_create(username="bench-manager")
    Profile.objects.filter(user=manager).update(role=Role.MANAGER)
    manager.refresh_from_db()
    _, key = api_token_create(user=manager, name="bench", actor=manager)
    project, _ = Project.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    boards = []
    for b in range(BOARDS):
        board = services.board_create(
            project=project,
            title=f"Bench board {b}",
            actor=manager,
            primary_metric={"name": "AUC", "baseline": 0.8, "direction": "higher"},
        )
        services.metric_create(
            board=board, name="RMSE", baseline=10.0, direction="lower", actor=manager
        )
        services.metric_create(
            board=board, name="Latency", unit="ms", baseline=40.0, direction="lower", actor=manager
        )
        boards.append(board)
    idea_ids = []
    for i in range(ideas):
        idea = services.idea_create(
            board=boards[i % BOARDS], title=f"Idea {i}", actor=manager, owner=manager
        )
        idea_ids.append(idea.pk)
    pairs = list(
        Metric.objects.filter(board__ideas__id__in=idea_ids).values_list("board__ideas__id", "pk")
    )
    per_pair, extra = divmod(readings, len(pairs))
    now = timezone.now()
    # Spread each pair's readings over the last eight weeks, like a real training history.
    step_minutes = 8 * 7 * 24 * 60 / max(per_pair, 1)
    rng = random.Random(1)
    columns = "idea_id, metric_id, value, recorded_at, note, source"
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {Reading._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for n, (idea_id, metric_id) in enumerate(pairs):
            for k in range(per_pair + (1 if n < extra else 0)):
                moment = now - timedelta(minutes=step_minutes * (k + rng.random()))
                copy.write_row((idea_id, metric_id, rng.random(), moment, "", "bench"))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Reading._meta.db_table}")
        cursor.execute(f"ANALYZE {Idea._meta.db_table}")
    return {
        "token": key,
        "user": manager.pk,
        "ideas": ideas,
        "readings": Reading.objects.count(),
        "idea_for_ingest": idea_ids[0],
        "metric_for_ingest": Metric.objects.filter(board=boards[0]).first().pk,
        "seconds": round(time.perf_counter() - started, 1),
    }


BIG_IDEA_READINGS = 1_000_000


def seed_big_idea(*, readings: int = BIG_IDEA_READINGS) -> dict:
    """One more idea with ``readings`` readings of its own (a long-running training job
    logging three metrics every few seconds for eight weeks): the idea page's worst case."""
    manager = User.objects.get(username="bench-manager")
    board = Metric.objects.order_by("pk").first().board
    idea = services.idea_create(board=board, title="Busy idea", actor=manager, owner=manager)
    metrics = list(Metric.objects.filter(board=board).order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    step_seconds = 8 * 7 * 24 * 3600 / (readings / len(metrics))
    rng = random.Random(2)
    columns = "idea_id, metric_id, value, recorded_at, note, source"
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {Reading._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for k in range(readings):
            moment = now - timedelta(seconds=step_seconds * (k // len(metrics)))
            copy.write_row((idea.pk, metrics[k % len(metrics)], rng.random(), moment, "", "job"))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Reading._meta.db_table}")
    return {"idea": idea.pk, "metrics": metrics, "readings": readings}
