"""Runs: started, changed, deleted and restored, logged to, tagged and attached to an idea."""

import uuid

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from research.models import Board, Idea
from research.permissions import require_contribute, require_edit_idea

from ...models import (
    PARAM_VALUE_MAX_LENGTH,
    RUN_NAME_MAX_LENGTH,
    TAG_VALUE_MAX_LENGTH,
    Run,
    RunStatus,
)
from .parsing import (
    IDEA_TAG,
    MAX_BATCH_ENTITIES,
    MAX_BATCH_METRICS,
    MAX_BATCH_PARAMS,
    MAX_BATCH_TAGS,
    RUN_NAME_TAG,
    _pairs,
    _text,
    int64,
    now_ms,
    point_parse,
)
from .permissions import require_log_to_run
from .readings import _history, _readings_from, _store_points


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
