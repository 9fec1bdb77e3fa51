"""Every write in the research app goes through a function here.

Each service checks who may act, validates, writes, and records the activity event in the
same transaction. They raise Django's ``ValidationError`` (a 400 in the API, form errors in
the UI) and ``PermissionDenied`` (a 403).
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Role
from accounts.permissions import require_role
from activity.models import EventType
from activity.services import activity_record
from core.exceptions import Conflict
from projects.models import Project

from .cache import changes_research_data
from .models import (
    Board,
    Direction,
    Idea,
    IdeaStatusChange,
    Maturity,
    Metric,
    Reading,
    Status,
    Task,
)
from .permissions import (
    can_edit_idea,
    can_manage_boards,
    can_mark_task,
    require_edit_idea,
    require_manage_boards,
)
from .transitions import IDEA_TRANSITIONS, REASON_REQUIRED, allowed_statuses

MAX_BULK_READINGS = 10_000
# Clocks drift; a reading stamped a little ahead of the server is fine, next week is not.
MAX_FUTURE_SKEW = timedelta(hours=1)
BULK_BATCH_SIZE = 2_000
MAX_ID = 2**63 - 1


# Readings, baselines and targets are bounded well inside a float's range, so differences
# and percentages of them stay finite (JSON has no infinity).
MAX_ABS_VALUE = 1e15
TOO_LARGE = f"Enter a number between -{MAX_ABS_VALUE:,.0f} and {MAX_ABS_VALUE:,.0f}."
NOT_FINITE = "Enter a finite number (not NaN or infinity)."


def _number(value) -> tuple[float | None, str]:
    """``(float, "")`` for a usable number, else ``(None, message)``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, "Enter a number."
    try:
        number = float(value)
    except OverflowError:  # a JSON integer with hundreds of digits
        return None, NOT_FINITE
    if not math.isfinite(number):
        return None, NOT_FINITE
    if abs(number) > MAX_ABS_VALUE:
        return None, TOO_LARGE
    return number, ""


def _finite(value, field: str) -> float:
    """A finite, bounded float from ``value``, or a ValidationError on ``field``."""
    number, message = _number(value)
    if message:
        raise ValidationError({field: message})
    return number


def _require_active(owner: User | None, field: str = "owner") -> None:
    """People who can no longer sign in cannot be handed ideas or tasks."""
    if owner is not None and not owner.is_active:
        raise ValidationError({field: "Choose someone whose account is active."})


def _full_clean(instance, exclude: Iterable[str] | None = None) -> None:
    instance.full_clean(exclude=list(exclude or []))


# --- boards and metrics -----------------------------------------------------------------


@transaction.atomic
@changes_research_data
def board_create(
    *,
    project: Project,
    title: str,
    actor: User,
    question: str = "",
    gain_bar: float = 2.0,
    primary_metric: dict | None = None,
) -> Board:
    """Create a board on ``project``; managers only. Titles are unique per project.

    ``primary_metric`` (the keyword arguments of ``metric_create``) creates the board's
    primary metric in the same transaction.
    """
    require_manage_boards(actor)
    board = Board(
        project=project,
        title=title.strip(),
        question=question.strip(),
        gain_bar=_finite(gain_bar, "gain_bar"),
        created_by=actor,
    )
    _full_clean(board, exclude=["primary_metric", "created_by"])
    board.save()
    activity_record(
        actor=actor,
        event=EventType.BOARD_CREATED,
        target=board,
        project=project,
        data={"board": board.pk},
    )
    if primary_metric:
        metric_create(board=board, actor=actor, make_primary=True, **primary_metric)
        board.refresh_from_db()
    return board


@transaction.atomic
@changes_research_data
def board_update(
    *,
    board: Board,
    actor: User,
    title: str | None = None,
    question: str | None = None,
    gain_bar: float | None = None,
    primary_metric: Metric | None = None,
) -> Board:
    """Change a board's title, question, gain bar or primary metric; managers only.

    The primary metric must be one of the board's own metrics.
    """
    require_manage_boards(actor)
    board = Board.objects.select_for_update().get(pk=board.pk)
    changed: dict = {}
    if title is not None:
        board.title = title.strip()
        changed["title"] = board.title
    if question is not None:
        board.question = question.strip()
        changed["question"] = True
    if gain_bar is not None:
        board.gain_bar = _finite(gain_bar, "gain_bar")
        changed["gain_bar"] = board.gain_bar
    if primary_metric is not None:
        if primary_metric.board_id != board.pk:
            raise ValidationError({"primary_metric": "Choose one of this board's metrics."})
        board.primary_metric = primary_metric
        changed["primary_metric"] = primary_metric.pk
    _full_clean(board, exclude=["created_by"])
    board.save()
    activity_record(
        actor=actor,
        event=EventType.BOARD_UPDATED,
        target=board,
        project=board.project,
        data=changed,
    )
    return board


@transaction.atomic
@changes_research_data
def metric_create(
    *,
    board: Board,
    name: str,
    baseline: float,
    actor: User,
    unit: str = "",
    direction: str = Direction.HIGHER,
    target: float | None = None,
    make_primary: bool = False,
) -> Metric:
    """Add a metric to ``board``; managers only. Baseline and target must be finite.

    The board's first metric becomes its primary metric, as does any with ``make_primary``.
    """
    require_manage_boards(actor)
    metric = Metric(
        board=board,
        name=name.strip(),
        unit=unit.strip(),
        direction=direction,
        baseline=_finite(baseline, "baseline"),
        target=None if target is None else _finite(target, "target"),
    )
    _full_clean(metric)
    metric.save()
    if make_primary or board.primary_metric_id is None:
        Board.objects.filter(pk=board.pk).update(primary_metric=metric)
        board.primary_metric = metric
    activity_record(
        actor=actor,
        event=EventType.METRIC_CREATED,
        target=metric,
        project=board.project,
        data={"board": board.pk, "metric": metric.pk},
    )
    return metric


@transaction.atomic
@changes_research_data
def metric_update(
    *,
    metric: Metric,
    actor: User,
    name: str | None = None,
    unit: str | None = None,
    direction: str | None = None,
    baseline: float | None = None,
    target: float | None = None,
    clear_target: bool = False,
) -> Metric:
    """Change a metric's definition; managers only. Baseline and target must be finite."""
    require_manage_boards(actor)
    metric = Metric.objects.select_for_update().get(pk=metric.pk)
    if name is not None:
        metric.name = name.strip()
    if unit is not None:
        metric.unit = unit.strip()
    if direction is not None:
        metric.direction = direction
    if baseline is not None:
        metric.baseline = _finite(baseline, "baseline")
    if clear_target:
        metric.target = None
    elif target is not None:
        metric.target = _finite(target, "target")
    _full_clean(metric)
    metric.save()
    activity_record(
        actor=actor,
        event=EventType.METRIC_UPDATED,
        target=metric,
        project=metric.board.project,
        data={"metric": metric.pk},
    )
    return metric


# --- ideas ------------------------------------------------------------------------------


def _stale(idea: Idea) -> Conflict:
    """The lost race of an idea moved by someone else after the caller looked at it."""
    return Conflict(
        f"“{idea.title}” is {idea.get_status_display().lower()} now: someone moved it "
        "meanwhile. Reload and try again."
    )


def _next_position(board_id: int, status: str) -> int:
    top = Idea.objects.filter(board_id=board_id, status=status).aggregate(top=Max("position"))
    return (top["top"] or 0) + 1


@transaction.atomic
@changes_research_data
def idea_create(
    *,
    board: Board,
    title: str,
    actor: User,
    hypothesis: str = "",
    owner: User | None = None,
    maturity: str = Maturity.IDEA,
) -> Idea:
    """Add a proposed idea to ``board``. Members create their own; managers may assign anyone.

    Records the first status change (from nothing to proposed) for the funnel.
    """
    require_role(actor, Role.MEMBER, "add ideas")
    owner = owner or actor
    if owner.pk != actor.pk and not can_manage_boards(actor):
        raise PermissionDenied("Only managers may create ideas owned by someone else.")
    _require_active(owner)
    idea = Idea(
        board=board,
        title=title.strip(),
        hypothesis=hypothesis.strip(),
        owner=owner,
        maturity=maturity,
        status=Status.PROPOSED,
        position=_next_position(board.pk, Status.PROPOSED),
    )
    _full_clean(idea)
    idea.save()
    IdeaStatusChange.objects.create(
        idea=idea, board=board, from_status="", to_status=Status.PROPOSED, actor=actor
    )
    activity_record(
        actor=actor,
        event=EventType.IDEA_CREATED,
        target=idea,
        project=board.project,
        data={"board": board.pk, "idea": idea.pk},
    )
    return idea


@transaction.atomic
@changes_research_data
def idea_update(
    *,
    idea: Idea,
    actor: User,
    title: str | None = None,
    hypothesis: str | None = None,
    maturity: str | None = None,
    owner: User | None = None,
) -> Idea:
    """Edit an idea's title, hypothesis or maturity (its owner or a manager) or its owner
    (managers only). The status is not editable here: see ``idea_transition``.
    """
    idea = (
        Idea.objects.select_for_update(of=("self",))
        .select_related("board__project")
        .get(pk=idea.pk)
    )
    require_edit_idea(actor, idea)
    changed: dict = {}
    if title is not None and title.strip() != idea.title:
        idea.title = title.strip()
        changed["title"] = idea.title
    if hypothesis is not None and hypothesis.strip() != idea.hypothesis:
        idea.hypothesis = hypothesis.strip()
        changed["hypothesis"] = True
    if maturity is not None and maturity != idea.maturity:
        idea.maturity = maturity
        changed["maturity"] = maturity
    if owner is not None and owner.pk != idea.owner_id:
        if not can_manage_boards(actor):
            raise PermissionDenied("Only managers may hand an idea to someone else.")
        _require_active(owner)
        idea.owner = owner
        changed["owner"] = owner.pk
    _full_clean(idea)
    idea.save()
    if changed:
        activity_record(
            actor=actor,
            event=EventType.IDEA_UPDATED,
            target=idea,
            project=idea.board.project,
            data={"idea": idea.pk, **changed},
        )
    return idea


def _clean_tasks(tasks: Iterable[dict]) -> list[dict]:
    cleaned, errors = [], {}
    for index, task in enumerate(tasks):
        title = str(task.get("title") or "").strip()
        if not title:
            errors[f"tasks.{index}.title"] = "Give the task a title."
        elif len(title) > 200:
            errors[f"tasks.{index}.title"] = "Keep the title under 200 characters."
        owner = task.get("owner")
        if owner is not None and not owner.is_active:
            errors[f"tasks.{index}.owner"] = "Choose someone whose account is active."
        cleaned.append({"title": title, "owner": task.get("owner"), "done": bool(task.get("done"))})
    if errors:
        raise ValidationError({"tasks": list(errors.values())})
    return cleaned


@transaction.atomic
@changes_research_data
def idea_transition(
    *,
    idea: Idea,
    to: str,
    actor: User,
    reason: str = "",
    tasks: Iterable[dict] | None = None,
    expected_from: str | None = None,
) -> Idea:
    """Move an idea to status ``to``; the only code that writes ``Idea.status``.

    Enforces: the idea's owner or a manager acts; the move is in ``IDEA_TRANSITIONS``;
    dropping needs a reason; promoting needs at least one engineering task (existing, or
    given in ``tasks`` as ``{"title", "owner", "done"}`` dicts and created here). Records
    an ``IdeaStatusChange`` (the funnel) and an activity event. The row is locked, so two
    concurrent moves cannot both start from the same status; a caller that says which
    status it saw (``expected_from``) gets a ``Conflict`` when someone moved it first.
    """
    idea = (
        Idea.objects.select_for_update(of=("self",))
        .select_related("board__project")
        .get(pk=idea.pk)
    )
    require_edit_idea(actor, idea)
    if expected_from and expected_from != idea.status:
        raise _stale(idea)
    if to not in Status.values:
        raise ValidationError({"to": f"“{to}” is not a status."})
    if to not in IDEA_TRANSITIONS.get(idea.status, frozenset()):
        allowed = ", ".join(Status(s).label.lower() for s in allowed_statuses(idea.status))
        raise ValidationError(
            {
                "to": f"An idea that is {idea.get_status_display().lower()} cannot move to "
                f"{Status(to).label.lower()}; it can move to: {allowed}."
            }
        )
    reason = (reason or "").strip()
    if to in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": "Give a reason for dropping the idea."})
    if to == Status.PROMOTED:
        new_tasks = _clean_tasks(tasks or [])
        if not new_tasks and not idea.tasks.exists():
            raise ValidationError(
                {
                    "tasks": "Break the idea down into at least one engineering task "
                    "before promoting it."
                }
            )
        start = (idea.tasks.aggregate(top=Max("position"))["top"] or 0) + 1
        Task.objects.bulk_create(
            Task(idea=idea, position=start + i, **task) for i, task in enumerate(new_tasks)
        )
    from_status = idea.status
    idea.status = to
    idea.dropped_reason = reason if to == Status.DROPPED else ""
    idea.position = _next_position(idea.board_id, to)
    idea.save(update_fields=["status", "dropped_reason", "position", "updated_at"])
    IdeaStatusChange.objects.create(
        idea=idea, board_id=idea.board_id, from_status=from_status, to_status=to, actor=actor,
        reason=reason,
    )  # fmt: skip
    activity_record(
        actor=actor,
        event=EventType.IDEA_PROMOTED if to == Status.PROMOTED else EventType.IDEA_MOVED,
        target=idea,
        project=idea.board.project,
        data={"idea": idea.pk, "from": from_status, "to": to, "reason": reason},
    )
    return idea


@transaction.atomic
@changes_research_data
def idea_reorder(*, idea: Idea, index: int, actor: User) -> Idea:
    """Place an idea at ``index`` (0-based, clamped) within its status column.

    The idea's owner or a manager; the column's positions are renumbered 1..n under row
    locks, so two concurrent reorders cannot interleave.
    """
    require_edit_idea(actor, idea)
    if isinstance(index, bool) or not isinstance(index, int):
        raise ValidationError({"index": "Enter a whole number."})
    column = list(
        Idea.objects.select_for_update()
        .filter(board_id=idea.board_id, status=idea.status)
        .order_by("position", "id")
    )
    ordered = [other for other in column if other.pk != idea.pk]
    target = next((other for other in column if other.pk == idea.pk), None)
    if target is None:
        raise ValidationError({"index": "The idea moved meanwhile; reload and try again."})
    index = max(0, min(index, len(ordered)))
    ordered.insert(index, target)
    for position, other in enumerate(ordered, start=1):
        other.position = position
    Idea.objects.bulk_update(ordered, ["position"])
    activity_record(
        actor=actor,
        event=EventType.IDEA_REORDERED,
        target=target,
        project=idea.board.project,
        data={"idea": idea.pk, "index": index},
    )
    target.refresh_from_db(fields=["position"])
    return target


# --- tasks ------------------------------------------------------------------------------


@transaction.atomic
@changes_research_data
def task_create(*, idea: Idea, title: str, actor: User, owner: User | None = None) -> Task:
    """Add an engineering task to an idea; its owner or a manager."""
    require_edit_idea(actor, idea)
    (task,) = _clean_tasks([{"title": title, "owner": owner}])
    position = (idea.tasks.aggregate(top=Max("position"))["top"] or 0) + 1
    created = Task.objects.create(idea=idea, position=position, **task)
    activity_record(
        actor=actor,
        event=EventType.TASK_CREATED,
        target=created,
        project=idea.board.project,
        data={"idea": idea.pk, "task": created.pk},
    )
    return created


@transaction.atomic
@changes_research_data
def task_update(
    *,
    task: Task,
    actor: User,
    title: str | None = None,
    owner: User | None = None,
    done: bool | None = None,
    toggle: bool = False,
) -> Task:
    """Change a task; members only. The idea's owner or a manager may change anything; the
    task's owner may only mark it done or not done.

    ``toggle`` flips ``done`` under the row lock, so two quick clicks cannot both read the
    same state and lose one of the changes.
    """
    require_role(actor, Role.MEMBER, "change tasks")
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("idea__board__project")
        .get(pk=task.pk)
    )
    edits_idea = can_edit_idea(actor, task.idea)
    if not can_mark_task(actor, task, task.idea):
        raise PermissionDenied("Only the idea's owner, the task's owner or a manager may do this.")
    if not edits_idea and (title is not None or owner is not None):
        raise PermissionDenied(
            "Only the idea's owner or a manager may rename a task or hand it to someone else; "
            "its owner may mark it done."
        )
    if title is not None:
        task.title = _clean_tasks([{"title": title}])[0]["title"]
    if owner is not None and owner.pk != task.owner_id:
        _require_active(owner)
        task.owner = owner
    if toggle:
        done = not task.done
    if done is not None:
        task.done = bool(done)
    task.save()
    activity_record(
        actor=actor,
        event=EventType.TASK_COMPLETED if done else EventType.TASK_UPDATED,
        target=task,
        project=task.idea.board.project,
        data={"idea": task.idea_id, "task": task.pk, "done": task.done},
    )
    return task


# --- readings ---------------------------------------------------------------------------


class ReadingsInvalid(Exception):
    """A bulk ingestion was refused; ``errors`` maps each bad item's index to field messages."""

    def __init__(self, errors: dict[str, dict[str, list[str]]]):
        super().__init__(f"{len(errors)} invalid readings")
        self.errors = errors


def _parse_time(value, now: datetime) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = parse_datetime(value.strip())
        except ValueError:
            moment = None
        if moment is None:
            raise ValueError("Enter an ISO 8601 date and time, e.g. 2026-01-31T09:30:00Z.")
    else:
        raise ValueError("Enter an ISO 8601 date and time, e.g. 2026-01-31T09:30:00Z.")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    if moment > now + MAX_FUTURE_SKEW:
        raise ValueError("A reading cannot be recorded in the future.")
    if moment.year < 1970:
        raise ValueError("A reading cannot be recorded before 1970.")
    return moment


def _parse_item(item, now: datetime, default_source: str) -> tuple[tuple | None, dict]:
    """Validate one raw reading dict in plain Python: (row, {}) or (None, field errors)."""
    if not isinstance(item, dict):
        return None, {"non_field_errors": ["Each reading must be an object."]}
    errors: dict[str, list[str]] = {}
    ids = {}
    for field in ("idea", "metric"):
        raw = item.get(field)
        if raw is None:
            errors[field] = ["This field is required."]
        elif isinstance(raw, bool) or not isinstance(raw, int):
            errors[field] = ["Enter the id (an integer)."]
        elif not 1 <= raw <= MAX_ID:
            # A bigint primary key; larger ids overflow the database's integer in ``pk__in``.
            errors[field] = ["Enter a valid id."]
        else:
            ids[field] = raw
    raw_value = item.get("value")
    value = None
    if raw_value is None:
        errors["value"] = ["This field is required."]
    else:
        value, message = _number(raw_value)
        if message:
            errors["value"] = [message]
    recorded_at = now
    if item.get("recorded_at") not in (None, ""):
        try:
            recorded_at = _parse_time(item["recorded_at"], now)
        except ValueError as exc:
            errors["recorded_at"] = [str(exc)]
    note = item.get("note") or ""
    if not isinstance(note, str) or len(note) > 500:
        errors["note"] = ["Enter text of at most 500 characters."]
    source = item.get("source") or default_source
    if not isinstance(source, str) or len(source) > 100:
        errors["source"] = ["Enter text of at most 100 characters (e.g. a run id)."]
    if errors:
        return None, errors
    return (ids["idea"], ids["metric"], value, recorded_at, note, source.strip()), {}


def _insert_readings(rows: list[tuple], actor: User) -> None:
    """Store validated rows: COPY on PostgreSQL (fast), ``bulk_create`` elsewhere."""
    if connection.vendor == "postgresql":
        table = Reading._meta.db_table
        columns = "idea_id, metric_id, value, recorded_at, note, source, created_by_id"
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row((*row, actor.pk))
        return
    Reading.objects.bulk_create(
        (
            Reading(
                idea_id=idea_id,
                metric_id=metric_id,
                value=value,
                recorded_at=recorded_at,
                note=note,
                source=source,
                created_by_id=actor.pk,
            )
            for idea_id, metric_id, value, recorded_at, note, source in rows
        ),
        batch_size=BULK_BATCH_SIZE,
    )


@transaction.atomic
@changes_research_data
def readings_ingest(*, items: list, actor: User, default_source: str = Reading.SOURCE_API) -> int:
    """Store a list of readings all-or-nothing; the training-job path. Returns how many.

    Enforces: 1 to 10,000 items; each has an integer idea and metric, a finite value, an
    optional ISO 8601 time not in the future (default now), a note and source of bounded
    length; the idea exists, the metric exists and belongs to the idea's board; the actor
    owns every idea or is a manager. Validation is plain Python with one query for the
    ideas and one for the metrics, so 10,000 readings are checked in milliseconds. Any bad
    item refuses the whole list with ``ReadingsInvalid`` (per-index errors); a foreign idea
    refuses it with ``PermissionDenied``.
    """
    require_role(actor, Role.MEMBER, "record readings")
    if not isinstance(items, list) or not items:
        raise ValidationError({"non_field_errors": "Send one reading or a non-empty list."})
    if len(items) > MAX_BULK_READINGS:
        raise ValidationError(
            {
                "non_field_errors": f"Send at most {MAX_BULK_READINGS:,} readings per request "
                f"(this one has {len(items):,}); split the list."
            }
        )
    now = timezone.now()
    errors: dict[str, dict[str, list[str]]] = {}
    rows: list[tuple] = []
    indices: list[int] = []
    for index, item in enumerate(items):
        row, item_errors = _parse_item(item, now, default_source)
        if item_errors:
            errors[str(index)] = item_errors
        else:
            rows.append(row)
            indices.append(index)
    idea_ids = {row[0] for row in rows}
    metric_ids = {row[1] for row in rows}
    ideas = {
        pk: (board_id, owner_id)
        for pk, board_id, owner_id in Idea.objects.filter(pk__in=idea_ids).values_list(
            "pk", "board_id", "owner_id"
        )
    }
    metrics = dict(Metric.objects.filter(pk__in=metric_ids).values_list("pk", "board_id"))
    manager = can_manage_boards(actor)
    foreign: list[int] = []
    for index, row in zip(indices, rows, strict=True):
        idea = ideas.get(row[0])
        metric_board = metrics.get(row[1])
        item_errors = {}
        if idea is None:
            item_errors["idea"] = [f"No idea with id {row[0]}."]
        if metric_board is None:
            item_errors["metric"] = [f"No metric with id {row[1]}."]
        elif idea is not None and metric_board != idea[0]:
            item_errors["metric"] = ["This metric belongs to another board than the idea."]
        if item_errors:
            errors[str(index)] = item_errors
        elif not manager and idea[1] != actor.pk:
            foreign.append(index)
    if errors:
        raise ReadingsInvalid(errors)
    if foreign:
        shown = ", ".join(str(i) for i in foreign[:10])
        raise PermissionDenied(
            "You may record readings only on ideas you own; "
            f"items {shown}{' …' if len(foreign) > 10 else ''} are on other people's ideas."
        )
    _insert_readings(rows, actor)
    counts: dict[int, int] = defaultdict(int)
    for row in rows:
        counts[row[0]] += 1
    boards = defaultdict(dict)
    for idea_id, count in counts.items():
        boards[ideas[idea_id][0]][str(idea_id)] = count
    for board in Board.objects.filter(pk__in=boards).select_related("project"):
        activity_record(
            actor=actor,
            event=EventType.READINGS_RECORDED,
            target=board,
            project=board.project,
            data={"board": board.pk, "count": sum(boards[board.pk].values()),
                  "ideas": boards[board.pk]},
        )  # fmt: skip
    return len(rows)


@transaction.atomic
@changes_research_data
def reading_create(
    *,
    idea: Idea,
    metric: Metric,
    value: float,
    actor: User,
    recorded_at: datetime | str | None = None,
    note: str = "",
    source: str = Reading.SOURCE_MANUAL,
) -> Reading:
    """Record one reading; the same rules as ``readings_ingest``, errors as field messages."""
    require_role(actor, Role.MEMBER, "record readings")
    require_edit_idea(actor, idea)
    row, errors = _parse_item(
        {
            "idea": idea.pk,
            "metric": metric.pk,
            "value": value,
            "recorded_at": recorded_at,
            "note": note,
            "source": source,
        },
        timezone.now(),
        source,
    )
    if errors:
        raise ValidationError(errors)
    if metric.board_id != idea.board_id:
        raise ValidationError({"metric": "This metric belongs to another board than the idea."})
    _, _, value, moment, note, source = row
    reading = Reading.objects.create(
        idea=idea,
        metric=metric,
        value=value,
        recorded_at=moment,
        note=note,
        source=source,
        created_by=actor,
    )
    activity_record(
        actor=actor,
        event=EventType.READING_CREATED,
        target=idea,
        project=idea.board.project,
        data={"idea": idea.pk, "metric": metric.pk, "value": value},
    )
    return reading


@transaction.atomic
@changes_research_data
def reading_delete(*, reading: Reading, actor: User) -> None:
    """Remove a mistaken reading: its idea's owner or a manager may; recorded in the log."""
    reading = (
        Reading.objects.select_for_update(of=("self",))
        .select_related("idea__board__project", "metric")
        .filter(pk=reading.pk)
        .first()
    )
    if reading is None:
        return  # already gone: deleting twice is not an error
    require_edit_idea(actor, reading.idea)
    data = {
        "idea": reading.idea_id,
        "metric": reading.metric_id,
        "value": reading.value,
        "recorded_at": reading.recorded_at.isoformat(),
    }
    reading.delete()
    activity_record(
        actor=actor,
        event=EventType.READING_DELETED,
        target=reading.idea,
        project=reading.idea.board.project,
        data=data,
    )
