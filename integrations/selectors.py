"""Reads of the integrations app: runs and their metrics, endpoints and deliveries."""

from collections import defaultdict

from django.db import connection
from django.db.models import Count, Prefetch, QuerySet

from research.models import Board, Idea, Metric

from .models import Attempt, Delivery, Endpoint, MetricAlias, Run, RunMetric

#: Runs the idea page lists (newest first); the API lists them all, paginated.
IDEA_PAGE_RUNS = 20


def board_for_experiment(name: str) -> Board | None:
    """The board an experiment name ``project-slug/Board title`` names, if any."""
    slug, _, title = (name or "").partition("/")
    return (
        Board.objects.select_related("project")
        .filter(project__slug=slug, title=title.strip())
        .first()
    )


def board_by_experiment_id(experiment_id) -> Board | None:
    try:
        pk = int(str(experiment_id))
    except (TypeError, ValueError):
        return None
    if not 1 <= pk < 2**63:
        return None
    return Board.objects.select_related("project").filter(pk=pk).first()


def boards_as_experiments() -> QuerySet[Board]:
    return Board.objects.select_related("project").order_by("pk")


def run_by_id(run_id) -> Run | None:
    if not isinstance(run_id, str) or not run_id or len(run_id) > 32:
        return None
    return (
        Run.objects.select_related("board__project", "idea", "created_by")
        .filter(run_id=run_id)
        .first()
    )


def run_list() -> QuerySet[Run]:
    return Run.objects.select_related("board__project", "idea", "created_by").order_by(
        "-start_time", "-id"
    )


def latest_metrics(run_pks: list[int]) -> dict[int, list[RunMetric]]:
    """The latest point of each key of each run (MLflow's rule: highest step, then latest
    timestamp, then highest value), in one query."""
    found: dict[int, list[RunMetric]] = defaultdict(list)
    if not run_pks:
        return found
    points = RunMetric.objects.filter(run_id__in=run_pks)
    if connection.vendor == "postgresql":
        points = points.order_by("run_id", "key", "-step", "-timestamp", "-value").distinct(
            "run_id", "key"
        )
        for point in points:
            found[point.run_id].append(point)
        return found
    best: dict[tuple[int, str], RunMetric] = {}
    for point in points:
        key = (point.run_id, point.key)
        current = best.get(key)
        if current is None or (point.step, point.timestamp, point.value) > (
            current.step,
            current.timestamp,
            current.value,
        ):
            best[key] = point
    for (run_pk, _), point in sorted(best.items()):
        found[run_pk].append(point)
    return found


def metric_history(run: Run, key: str) -> QuerySet[RunMetric]:
    return RunMetric.objects.filter(run=run, key=key).order_by("timestamp", "step", "id")


def idea_runs(idea: Idea, *, limit: int = IDEA_PAGE_RUNS) -> list[Run]:
    """The idea's newest runs, each with ``latest`` (its latest points) and ``unmapped``
    (its keys that map to no board metric), in a fixed number of queries."""
    runs = list(
        Run.objects.filter(idea=idea, deleted=False)
        .select_related("created_by")
        .order_by("-start_time", "-id")[:limit]
    )
    if not runs:
        return runs
    latest = latest_metrics([run.pk for run in runs])
    mapped = mapped_keys(idea.board_id)
    for run in runs:
        run.latest = latest.get(run.pk, [])
        run.unmapped = sorted({p.key for p in run.latest if p.key not in mapped})
    return runs


def board_unattached_runs(board: Board, *, limit: int = IDEA_PAGE_RUNS) -> list[Run]:
    """Runs on the board that no idea claims yet (to choose on an idea page)."""
    return list(
        Run.objects.filter(board=board, idea__isnull=True, deleted=False)
        .select_related("created_by")
        .order_by("-start_time", "-id")[:limit]
    )


def mapped_keys(board_id: int) -> set[str]:
    names = set(Metric.objects.filter(board_id=board_id).values_list("name", flat=True))
    return names | set(MetricAlias.objects.filter(board_id=board_id).values_list("key", flat=True))


def metric_alias_list() -> QuerySet[MetricAlias]:
    return MetricAlias.objects.select_related("metric").order_by("board_id", "key")


# --- webhooks ------------------------------------------------------------------------------


def endpoint_list() -> QuerySet[Endpoint]:
    return (
        Endpoint.objects.select_related("owner")
        .annotate(delivery_count=Count("deliveries"))
        .order_by("-created_at", "-id")
    )


def endpoint_detail() -> QuerySet[Endpoint]:
    return Endpoint.objects.select_related("owner")


def endpoint_deliveries(endpoint: Endpoint, *, limit: int = 50) -> list[Delivery]:
    """The endpoint's newest deliveries, each with its attempts (newest first)."""
    return list(
        Delivery.objects.filter(endpoint=endpoint)
        .order_by("-created_at", "-id")
        .prefetch_related(
            Prefetch("attempt_log", queryset=Attempt.objects.order_by("-created_at", "-id"))
        )[:limit]
    )


def delivery_list() -> QuerySet[Delivery]:
    return Delivery.objects.select_related("endpoint").prefetch_related(
        Prefetch("attempt_log", queryset=Attempt.objects.order_by("-created_at", "-id"))
    )
