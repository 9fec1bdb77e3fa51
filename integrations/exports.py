"""CSV exports: an idea's readings and a board's ideas with their progress.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) are prefixed with ``'``; numbers are written as numbers, so a
negative value stays a number. Exports stream row by row (``StreamingHttpResponse`` over a
server-side cursor), so a million readings never sit in memory.
"""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils.text import slugify

from core.filters import filters_or_default
from datagaps import selectors as datagap_selectors
from datagaps.filters import QUEUE_DEFAULT, DataGapFilter
from research import selectors as research_selectors
from research.models import Board, Idea, Reading

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_ROWS = 2000


def _in_chunks(queryset):
    """The rows of an ordered queryset, ``CHUNK_ROWS`` at a time, each chunk its own query.

    Not ``.iterator()``: on PostgreSQL that holds a server-side cursor for as long as the
    download lasts, and a download abandoned half-way leaves the cursor to be closed by the
    garbage collector, later, on whatever transaction the connection then serves (it
    aborted an unrelated request's transaction in the test suite).
    """
    start = 0
    while True:
        rows = list(queryset[start : start + CHUNK_ROWS])
        yield from rows
        if len(rows) < CHUNK_ROWS:
            return
        start += CHUNK_ROWS


IDEA_READINGS_COLUMNS = [
    "reading_id", "idea_id", "idea", "metric_id", "metric", "unit", "value", "recorded_at",
    "step", "source", "note", "recorded_by",
]  # fmt: skip
BOARD_IDEAS_COLUMNS = [
    "idea_id", "idea", "status", "maturity", "owner", "metric", "primary", "latest",
    "latest_at", "change_since", "gain_pct", "clears_gain_bar", "best_on_board",
]  # fmt: skip


def cell(value) -> object:
    """A value safe to open in a spreadsheet: text that would be a formula gets a ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def _response(lines: Iterator[str], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


DATAGAP_QUEUE_COLUMNS = [
    "id", "title", "status", "urgency", "project", "idea_id", "requester", "assignee",
    "needed_by", "overdue", "snoozed_until", "created_at", "first_triaged_at", "delivered_at",
    "data_needed", "unlocks",
]  # fmt: skip


class QueueFilterInvalid(ValueError):
    def __init__(self, errors: dict):
        super().__init__("invalid queue filter")
        self.errors = errors


def datagap_queue_rows(params) -> Iterator[list]:
    """The data engineers' queue as its page shows it: the same filters (``status``,
    ``urgency``, ``project``, ``assignee``, ``requester``, ``overdue``, ``snoozed``,
    ``idea``, ``sort``) and, with none given, the same default (active, not snoozed)."""
    data = filters_or_default(params or {}, QUEUE_DEFAULT)
    filterset = DataGapFilter(data, queryset=datagap_selectors.datagap_queue())
    if not filterset.is_valid():
        raise QueueFilterInvalid(filterset.errors)
    for gap in _in_chunks(filterset.qs):
        yield [
            gap.pk,
            gap.title,
            gap.get_status_display(),
            gap.get_urgency_display(),
            gap.project.name if gap.project_id else None,
            gap.idea_id,
            gap.requester.username if gap.requester_id else None,
            gap.assignee.username if gap.assignee_id else None,
            gap.needed_by.isoformat() if gap.needed_by else None,
            gap.overdue,
            gap.snoozed_until.isoformat() if gap.snoozed_until else None,
            gap.created_at.isoformat(),
            gap.first_triaged_at.isoformat() if gap.first_triaged_at else None,
            gap.delivered_at.isoformat() if gap.delivered_at else None,
            gap.data_needed,
            gap.unlocks,
        ]


def datagap_queue_response(params) -> StreamingHttpResponse:
    """Validates the filters first (a bad one raises :class:`QueueFilterInvalid`)."""
    rows = datagap_queue_rows(params)
    first = next(rows, None)

    def all_rows():
        if first is not None:
            yield first
            yield from rows

    return _response(csv_lines(DATAGAP_QUEUE_COLUMNS, all_rows()), "data-gap-queue.csv")


def idea_readings_rows(idea: Idea) -> Iterator[list]:
    """Every reading of the idea, oldest first, read in chunks from a server-side cursor."""
    readings = (
        Reading.objects.filter(idea=idea)
        .order_by("recorded_at", "id")
        .values_list(
            "pk",
            "metric_id",
            "metric__name",
            "metric__unit",
            "value",
            "recorded_at",
            "step",
            "source",
            "note",
            "created_by__username",
        )
    )
    for pk, metric_id, name, unit, value, moment, step, source, note, by in _in_chunks(readings):
        yield [
            pk, idea.pk, idea.title, metric_id, name, unit, value, moment.isoformat(), step,
            source, note, by,
        ]  # fmt: skip


def board_ideas_rows(board: Board, *, since_days: int) -> Iterator[list]:
    """One row per idea and board metric: its latest value, change, gain and the bar."""
    ideas = list(research_selectors.board_ideas(board))
    metrics = list(research_selectors.board_metrics(board))
    progress = research_selectors.progress_for_board(board, since_days=since_days)
    for idea in ideas:
        for metric in metrics or [None]:
            p = progress.get((idea.pk, metric.pk)) if metric else None
            yield [
                idea.pk,
                idea.title,
                idea.get_status_display(),
                idea.get_maturity_display(),
                idea.owner.username,
                metric.name if metric else None,
                (metric.pk == board.primary_metric_id) if metric else None,
                p.latest if p else None,
                p.latest_at.isoformat() if p and p.latest_at else None,
                p.change if p else None,
                p.gain_pct if p else None,
                p.clears_bar if p else None,
                p.is_best if p else None,
            ]


def idea_readings_response(idea: Idea) -> StreamingHttpResponse:
    return _response(
        csv_lines(IDEA_READINGS_COLUMNS, idea_readings_rows(idea)),
        f"idea-{idea.pk}-{slugify(idea.title)[:40]}-readings.csv",
    )


def board_ideas_response(board: Board, *, since_days=None) -> StreamingHttpResponse:
    days = research_selectors.since_days_parse(since_days)
    return _response(
        csv_lines(
            [*BOARD_IDEAS_COLUMNS[:9], f"change_since_{days}_days", *BOARD_IDEAS_COLUMNS[10:]],
            board_ideas_rows(board, since_days=days),
        ),
        f"board-{board.pk}-{slugify(board.title)[:40]}-ideas.csv",
    )
