"""Metric readings: one at a time by hand, or thousands at once from training jobs and CSV."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from activity.models import EventType
from activity.services import activity_record
from core.dates import to_utc
from core.text import counted

from ..cache import changes_research_data
from ..models import Board, Idea, Metric, Reading
from ..permissions import can_manage_boards, require_contribute, require_edit_idea
from ._common import nul_message, number_parse

MAX_BULK_READINGS = 10_000
# Clocks drift; a reading stamped a little ahead of the server is fine, next week is not.
MAX_FUTURE_SKEW = timedelta(hours=1)
BULK_BATCH_SIZE = 2_000
MAX_ID = 2**63 - 1
# A training step is a bigint, as in MLflow.
MIN_STEP, MAX_STEP = -(2**63), 2**63 - 1
ISO_EXAMPLE = "Enter an ISO 8601 date and time, e.g. 2026-01-31T09:30:00Z."


class ReadingsInvalid(Exception):
    """A bulk ingestion was refused; ``errors`` maps each bad item's index to field messages."""

    def __init__(self, errors: dict[str, dict[str, list[str]]]):
        super().__init__(counted(len(errors), "invalid reading"))
        self.errors = errors


def _parse_time(value, now: datetime) -> datetime:
    """A reading's time in UTC; without an offset it is read in the default time zone."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = parse_datetime(value.strip())
        except ValueError:
            moment = None
        if moment is None:
            raise ValueError(ISO_EXAMPLE)
    else:
        raise ValueError(ISO_EXAMPLE)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    try:
        moment = to_utc(moment)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None
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
        value, message = number_parse(raw_value)
        if message:
            errors["value"] = [message]
    # Optional fields: absent or null take the default (as documented); other types are refused.
    recorded_at = now
    if item.get("recorded_at") is not None:
        try:
            recorded_at = _parse_time(item["recorded_at"], now)
        except ValueError as exc:
            errors["recorded_at"] = [str(exc)]
    note = "" if item.get("note") is None else item["note"]
    if not isinstance(note, str) or len(note) > Reading.NOTE_MAX_LENGTH:
        errors["note"] = [f"Enter text of at most {Reading.NOTE_MAX_LENGTH} characters."]
    elif message := nul_message(note):
        errors["note"] = [message]
    source = item.get("source")
    if source is None or (isinstance(source, str) and not source.strip()):
        source = default_source  # blank is absent too
    if not isinstance(source, str) or len(source) > Reading.SOURCE_MAX_LENGTH:
        errors["source"] = [
            f"Enter text of at most {Reading.SOURCE_MAX_LENGTH} characters (e.g. a run id)."
        ]
    elif message := nul_message(source):
        errors["source"] = [message]
    step = item.get("step")
    if step is not None and (
        isinstance(step, bool) or not isinstance(step, int) or not MIN_STEP <= step <= MAX_STEP
    ):
        errors["step"] = ["Enter a whole number (the training step) or leave it out."]
    if errors:
        return None, errors
    return (ids["idea"], ids["metric"], value, recorded_at, note, source.strip(), step), {}


def _insert_readings(rows: list[tuple], actor: User) -> None:
    """Store validated rows: COPY on PostgreSQL (fast), ``bulk_create`` elsewhere."""
    if connection.vendor == "postgresql":
        table = Reading._meta.db_table
        columns = "idea_id, metric_id, value, recorded_at, note, source, step, created_by_id"
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
                step=step,
                created_by_id=actor.pk,
            )
            for idea_id, metric_id, value, recorded_at, note, source, step in rows
        ),
        batch_size=BULK_BATCH_SIZE,
    )


def _check_items(items: list, actor: User, default_source: str) -> tuple[list, dict, list, dict]:
    """Every check of ``readings_ingest`` on every item, in one pass and two queries:
    ``(rows, errors, foreign, ideas)`` where ``errors`` maps each bad item's index (str, from
    0) to field messages and ``foreign`` lists the indices of good items on ideas the actor
    may not record on."""
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
    return rows, errors, foreign, ideas


def _foreign_message(foreign: list[int]) -> str:
    """Items counted from 1, as a person counts them (the error entries' ``index`` is the
    list position, from 0)."""
    shown = ", ".join(str(i + 1) for i in foreign[:10])
    noun = "item" if len(foreign) == 1 else "items"
    verb = "is" if len(foreign) == 1 else "are"
    more = " …" if len(foreign) > 10 else ""
    return (
        f"You may record readings only on ideas you own; {noun} {shown}{more} (counting "
        f"from 1) {verb} on other people's ideas."
    )


def _check_size(items) -> None:
    if not isinstance(items, list) or not items:
        raise ValidationError({"non_field_errors": "Send one reading or a non-empty list."})
    if len(items) > MAX_BULK_READINGS:
        raise ValidationError(
            {
                "non_field_errors": f"Send at most {MAX_BULK_READINGS:,} readings per request "
                f"(this one has {len(items):,}); split the list."
            }
        )


def readings_problems(
    *, items: list, actor: User, default_source: str = Reading.SOURCE_API
) -> tuple[dict[str, dict[str, list[str]]], list[int]]:
    """What ``readings_ingest`` would refuse in ``items``, without writing anything:
    ``(errors by index, indices on other people's ideas)``. For callers that must report
    every problem of an input at once (the CSV import adds its own per line)."""
    require_contribute(actor)
    _check_size(items)
    _, errors, foreign, _ = _check_items(items, actor, default_source)
    return errors, foreign


@transaction.atomic
@changes_research_data
def readings_ingest(*, items: list, actor: User, default_source: str = Reading.SOURCE_API) -> int:
    """Store a list of readings all-or-nothing; the training-job path. Returns how many.

    Enforces: 1 to 10,000 items; each has an integer idea and metric, a finite value, an
    optional ISO 8601 time not in the future (default now; stored in UTC), a note and
    source of bounded length without NUL characters, an optional integer step; the idea
    exists, the metric exists and belongs to the idea's board; the actor owns every idea or
    is a manager. Validation is plain Python with one query for the ideas and one for the
    metrics, so 10,000 readings are checked in milliseconds. Any bad item refuses the whole
    list with ``ReadingsInvalid`` (per-index errors); a foreign idea refuses it with
    ``PermissionDenied`` naming the items counted from 1.
    """
    require_contribute(actor)
    _check_size(items)
    rows, errors, foreign, ideas = _check_items(items, actor, default_source)
    if errors:
        raise ReadingsInvalid(errors)
    if foreign:
        raise PermissionDenied(_foreign_message(foreign))
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
    step: int | None = None,
) -> Reading:
    """Record one reading; the same rules as ``readings_ingest``, errors as field messages."""
    require_edit_idea(actor, idea)
    row, errors = _parse_item(
        {
            "idea": idea.pk,
            "metric": metric.pk,
            "value": value,
            "recorded_at": recorded_at,
            "note": note,
            "source": source,
            "step": step,
        },
        timezone.now(),
        source,
    )
    if errors:
        raise ValidationError(errors)
    if metric.board_id != idea.board_id:
        raise ValidationError({"metric": "This metric belongs to another board than the idea."})
    _, _, value, moment, note, source, step = row
    reading = Reading.objects.create(
        idea=idea,
        metric=metric,
        value=value,
        recorded_at=moment,
        note=note,
        source=source,
        step=step,
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
    require_contribute(actor)
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
