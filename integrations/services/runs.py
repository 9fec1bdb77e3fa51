"""MLflow runs: created, logged to, ended, attached to ideas; mapped keys become readings.

Every write the MLflow endpoint and the pages make goes through here. Who may log: a member
(``research.permissions``), on a run they created, or on a run of an idea they may edit.
Limits are MLflow's own, refused with Django's ``ValidationError`` (the MLflow endpoint turns
it into ``INVALID_PARAMETER_VALUE``), so a client behaves as it does against MLflow.
"""

import datetime
import math
import re
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from activity.models import EventType
from activity.services import activity_record
from research.models import Board, Idea, Metric
from research.permissions import (
    can_manage_boards,
    require_contribute,
    require_edit_idea,
    require_manage_boards,
)
from research.services import MAX_BULK_READINGS, ReadingsInvalid, board_create, readings_ingest

from ..models import (
    KEY_MAX_LENGTH,
    PARAM_VALUE_MAX_LENGTH,
    RUN_NAME_MAX_LENGTH,
    TAG_VALUE_MAX_LENGTH,
    MetricAlias,
    Run,
    RunMetric,
    RunStatus,
)

#: The tag naming the idea a run tests (its id).
IDEA_TAG = "tandem.idea"
RUN_NAME_TAG = "mlflow.runName"
# MLflow's log-batch limits (mlflow/utils/validation.py).
MAX_BATCH_METRICS = 1000
MAX_BATCH_PARAMS = 100
MAX_BATCH_TAGS = 100
MAX_BATCH_ENTITIES = 1000
# MLflow's key rule: alphanumerics, underscores, dashes, periods, spaces, slashes, colons.
KEY_PATTERN = re.compile(r"^[/\w.\- :]*$")
MAX_INT64 = 2**63 - 1
NOT_YOUR_RUN = "Only the run's creator, the idea's owner or a manager may log to this run."


class AlreadyExists(Exception):
    """The experiment (board) being created exists already."""


@dataclass(frozen=True)
class Point:
    key: str
    value: float
    timestamp: int
    step: int


# --- validation ------------------------------------------------------------------------


def _key(value, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValidationError({what: f"Missing value for parameter '{what}'."})
    if len(value) > KEY_MAX_LENGTH:
        raise ValidationError(
            {what: f"'{value[:40]}…' exceeds the maximum length of {KEY_MAX_LENGTH} characters."}
        )
    if not KEY_PATTERN.match(value) or "\x00" in value:
        raise ValidationError(
            {
                what: f"Invalid {what} '{value}': names may only contain alphanumerics, "
                "underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/)."
            }
        )
    return value


def _text(value, what: str, limit: int) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        value = str(value)
    if len(value) > limit:
        raise ValidationError({what: f"The {what} exceeds the maximum length of {limit}."})
    if "\x00" in value:
        raise ValidationError({what: f"The {what} may not contain NUL characters."})
    return value


def int64(value, what: str, *, default: int | None = None) -> int:
    """An int64 as protobuf JSON sends it (a number or a numeric string)."""
    if value is None or value == "":
        if default is None:
            raise ValidationError({what: f"Missing value for parameter '{what}'."})
        return default
    if isinstance(value, bool):
        raise ValidationError({what: f"Parameter '{what}' must be an integer."})
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise ValidationError({what: f"Parameter '{what}' must be an integer."}) from None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not -MAX_INT64 - 1 <= value <= MAX_INT64:
        raise ValidationError({what: f"Parameter '{what}' must be a 64-bit integer."})
    return value


def _float(value) -> float:
    """A metric value as protobuf JSON sends it: a number, or "NaN"/"Infinity"/"-Infinity"."""
    if isinstance(value, bool):
        raise ValidationError({"value": "Parameter 'value' must be a number."})
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value.strip() in ("NaN", "Infinity", "-Infinity", "nan", "inf"):
        return float(value.strip().replace("Infinity", "inf"))
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise ValidationError({"value": "Parameter 'value' must be a number."})


def point_parse(raw, *, now_ms: int) -> Point:
    """One metric as MLflow sends it (``key``, ``value``, ``timestamp`` ms, ``step``)."""
    if not isinstance(raw, dict):
        raise ValidationError({"metrics": "Each metric must be an object."})
    return Point(
        key=_key(raw.get("key"), "key"),
        value=_float(raw.get("value")) if raw.get("value") is not None else _missing("value"),
        timestamp=int64(raw.get("timestamp"), "timestamp", default=now_ms),
        step=int64(raw.get("step"), "step", default=0),
    )


def _missing(what: str):
    raise ValidationError({what: f"Missing value for parameter '{what}'."})


def _pairs(raw, what: str, limit: int) -> list[tuple[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValidationError({what: f"Parameter '{what}' must be a list."})
    pairs = []
    for item in raw:
        if not isinstance(item, dict):
            raise ValidationError({what: f"Each of '{what}' must be an object."})
        pairs.append((_key(item.get("key"), "key"), _text(item.get("value"), "value", limit)))
    return pairs


def now_ms() -> int:
    return int(timezone.now().timestamp() * 1000)


# --- permissions -------------------------------------------------------------------------


def can_log_to_run(user, run: Run) -> bool:
    if run.idea_id is not None:
        from research.permissions import can_edit_idea

        return can_edit_idea(user, run.idea)
    return run.created_by_id == user.pk or can_manage_boards(user)


def require_log_to_run(user, run: Run) -> None:
    require_contribute(user)
    if run.idea_id is not None:
        require_edit_idea(user, run.idea)
    elif run.created_by_id != user.pk and not can_manage_boards(user):
        raise PermissionDenied(NOT_YOUR_RUN)


# --- experiments -----------------------------------------------------------------------


def experiment_name(board: Board) -> str:
    """``project-slug/Board title``: the MLflow experiment name of a board."""
    return f"{board.project.slug}/{board.title}"


@transaction.atomic
def experiment_create(*, name: str, actor: User) -> Board:
    """Create the board an experiment name names (``project-slug/Board title``); managers
    only, as for any board. An existing board is :class:`AlreadyExists`."""
    from projects.models import Project

    from ..selectors import board_for_experiment

    name = _text(name, "name", 500).strip()
    slug, _, title = name.partition("/")
    if not slug or not title.strip():
        raise ValidationError(
            {"name": "Name the experiment 'project-slug/Board title' (the project and board)."}
        )
    if board_for_experiment(name) is not None:
        raise AlreadyExists(f"Experiment '{name}' already exists.")
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        raise ValidationError({"name": f"No project with the slug '{slug}'."})
    return board_create(project=project, title=title.strip(), actor=actor)


# --- runs ------------------------------------------------------------------------------


def _idea_from_tag(value: str, board: Board | None, actor: User) -> Idea:
    try:
        pk = int(str(value).strip())
    except ValueError:
        raise ValidationError({IDEA_TAG: f"Tag '{IDEA_TAG}' must be an idea's id."}) from None
    idea = Idea.objects.select_related("board__project").filter(pk=pk).first()
    if idea is None:
        raise ValidationError({IDEA_TAG: f"No idea with id {pk}."})
    if board is not None and idea.board_id != board.pk:
        raise ValidationError(
            {IDEA_TAG: f"Idea {pk} is on another board than this run's experiment."}
        )
    require_edit_idea(actor, idea)
    return idea


@transaction.atomic
def run_create(
    *,
    board: Board | None,
    actor: User,
    start_time: int | None = None,
    tags: list | None = None,
    name: str = "",
) -> Run:
    """Start a run on ``board`` (the experiment). Members only. A ``tandem.idea`` tag puts it
    on that idea (which the actor must be allowed to edit); with the idea named, the board
    may be left out (MLflow's default experiment)."""
    require_contribute(actor)
    pairs = _pairs(tags, "tags", TAG_VALUE_MAX_LENGTH)
    tag_values = dict(pairs)
    name = _text(name or tag_values.get(RUN_NAME_TAG, ""), "run_name", RUN_NAME_MAX_LENGTH)
    idea = None
    if IDEA_TAG in tag_values:
        idea = _idea_from_tag(tag_values[IDEA_TAG], board, actor)
        board = idea.board
    if board is None:
        raise ValidationError(
            {
                "experiment_id": "Set the experiment to a board ('project-slug/Board title') "
                f"or tag the run with '{IDEA_TAG}'."
            }
        )
    if name:
        tag_values[RUN_NAME_TAG] = name
    return Run.objects.create(
        run_id=uuid.uuid4().hex,
        board=board,
        idea=idea,
        name=name,
        status=RunStatus.RUNNING,
        start_time=int64(start_time, "start_time", default=now_ms()),
        tags=tag_values,
        created_by=actor,
    )


def _locked(run: Run) -> Run:
    return (
        Run.objects.select_for_update(of=("self",)).select_related("idea", "board").get(pk=run.pk)
    )


@transaction.atomic
def run_update(
    *,
    run: Run,
    actor: User,
    status: str | None = None,
    end_time=None,
    name: str | None = None,
) -> Run:
    """Change a run's status, end time or name (``end_run`` sends status and end time)."""
    run = _locked(run)
    require_log_to_run(actor, run)
    fields = []
    if status:
        if status not in RunStatus.values:
            raise ValidationError({"status": f"Unknown run status '{status}'."})
        run.status = status
        fields.append("status")
    if end_time not in (None, ""):
        run.end_time = int64(end_time, "end_time")
        fields.append("end_time")
    if name:
        run.name = _text(name, "run_name", RUN_NAME_MAX_LENGTH)
        run.tags = {**run.tags, RUN_NAME_TAG: run.name}
        fields += ["name", "tags"]
    if fields:
        run.save(update_fields=fields)
    return run


@transaction.atomic
def run_set_deleted(*, run: Run, actor: User, deleted: bool) -> Run:
    """MLflow's delete and restore: the run is hidden from searches, its data kept."""
    run = _locked(run)
    require_log_to_run(actor, run)
    run.deleted = deleted
    run.save(update_fields=["deleted"])
    return run


@transaction.atomic
def run_log(
    *,
    run: Run,
    actor: User,
    metrics: list | None = None,
    params: list | None = None,
    tags: list | None = None,
) -> Run:
    """Log metrics, params and tags to a run, all or nothing (MLflow's log-batch; log-metric,
    log-parameter and set-tag are one-item batches).

    Enforces MLflow's limits (1,000 metrics, 100 params, 100 tags, 1,000 in all; key and
    value lengths) and its rule that a param, once logged, keeps its value. Every metric
    point is kept; those whose key names a board metric (or an alias) on a run with an idea
    become readings, sourced to the run with their step.
    """
    metrics = [] if metrics is None else metrics
    if not isinstance(metrics, list):
        raise ValidationError({"metrics": "Parameter 'metrics' must be a list."})
    for what, items, limit in (
        ("metrics", metrics, MAX_BATCH_METRICS),
        ("params", params or [], MAX_BATCH_PARAMS),
        ("tags", tags or [], MAX_BATCH_TAGS),
    ):
        if isinstance(items, list) and len(items) > limit:
            raise ValidationError(
                {what: f"A batch logging request can contain at most {limit} {what}. "
                       f"Got {len(items)} {what}."}
            )  # fmt: skip
    stamp = now_ms()
    points = [point_parse(item, now_ms=stamp) for item in metrics]
    param_pairs = _pairs(params, "params", PARAM_VALUE_MAX_LENGTH)
    tag_pairs = _pairs(tags, "tags", TAG_VALUE_MAX_LENGTH)
    if len(points) + len(param_pairs) + len(tag_pairs) > MAX_BATCH_ENTITIES:
        raise ValidationError(
            {"non_field_errors": f"A batch logging request can contain at most "
                                 f"{MAX_BATCH_ENTITIES} metrics, params and tags in total."}
        )  # fmt: skip
    run = _locked(run)
    require_log_to_run(actor, run)
    fields = []
    if param_pairs:
        params_now = dict(run.params)
        for key, value in param_pairs:
            if key in params_now and params_now[key] != value:
                raise ValidationError(
                    {"params": f"Changing param values is not allowed. Param with key='{key}' "
                               f"was already logged with value='{params_now[key]}' for run "
                               f"ID='{run.run_id}'. Attempted logging new value '{value}'."}
                )  # fmt: skip
            params_now[key] = value
        run.params = params_now
        fields.append("params")
    attach = None
    if tag_pairs:
        tags_now = dict(run.tags)
        for key, value in tag_pairs:
            if key == IDEA_TAG and str(run.idea_id or "") != value.strip():
                if run.idea_id is not None:
                    raise ValidationError(
                        {IDEA_TAG: f"This run is already on idea {run.idea_id}; "
                                   "start a new run for another idea."}
                    )  # fmt: skip
                attach = _idea_from_tag(value, run.board, actor)
            if key == RUN_NAME_TAG:
                run.name = _text(value, "run_name", RUN_NAME_MAX_LENGTH)
                fields.append("name")
            tags_now[key] = value
        run.tags = tags_now
        fields.append("tags")
    if fields:
        run.save(update_fields=sorted(set(fields)))
    if points:
        _store_points(run, points)
    if attach is not None:
        _attach(run, attach, actor)
    elif points and run.idea_id is not None:
        _readings_from(run, points, actor)
    return run


@transaction.atomic
def run_delete_tag(*, run: Run, actor: User, key: str) -> Run:
    run = _locked(run)
    require_log_to_run(actor, run)
    if key not in run.tags:
        raise ValidationError({"key": f"No tag with name: {key} in run with id {run.run_id}"})
    if key == IDEA_TAG and run.idea_id is not None:
        raise ValidationError({"key": f"The '{IDEA_TAG}' tag of a run on an idea stays."})
    run.tags = {k: v for k, v in run.tags.items() if k != key}
    run.save(update_fields=["tags"])
    return run


@transaction.atomic
def run_attach_idea(*, run: Run, idea: Idea, actor: User) -> Run:
    """Put a run that has no idea yet on ``idea`` (chosen on the idea page): its metric
    history becomes readings. The actor must be allowed to log to the run and edit the idea;
    the idea must be on the run's board."""
    run = _locked(run)
    require_log_to_run(actor, run)
    if run.idea_id is not None:
        raise ValidationError({"idea": f"This run is already on idea {run.idea_id}."})
    if idea.board_id != run.board_id:
        raise ValidationError({"idea": "Choose an idea on the run's board."})
    require_edit_idea(actor, idea)
    run.tags = {**run.tags, IDEA_TAG: str(idea.pk)}
    run.save(update_fields=["tags"])
    _attach(run, idea, actor)
    return run


def _attach(run: Run, idea: Idea, actor: User) -> None:
    run.idea = idea
    run.save(update_fields=["idea"])
    _readings_from(run, _history(run), actor)


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
