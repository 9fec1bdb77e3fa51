"""Readings: an idea's readings a page at a time (keyset cursors), their capped count,
and the readings the API lists."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..models import Idea, Reading

READING_PAGE = 50
# Counting every reading of an idea scans them all (a million on a busy idea): the table
# says "more than 10,000" instead.
READING_COUNT_CAP = 10_000


def idea_reading_count(idea: Idea, *, cap: int = READING_COUNT_CAP) -> int:
    """How many readings the idea has, counted up to ``cap + 1`` (one index range scan)."""
    return Reading.objects.filter(idea=idea).order_by()[: cap + 1].count()


@dataclass(frozen=True)
class ReadingPage:
    """One page of an idea's readings, newest first, and the cursors to the pages around it
    (``None`` at either end). A cursor is ``"<recorded_at ISO>|<id>"``."""

    rows: list
    older: str | None
    newer: str | None


def reading_cursor(reading: Reading) -> str:
    return f"{reading.recorded_at.isoformat()}|{reading.pk}"


def reading_cursor_parse(raw: str | None) -> tuple[datetime, int] | None:
    """A cursor from the URL, or None when it is absent or not one of ours."""
    moment, _, pk = (raw or "").partition("|")
    try:
        at = parse_datetime(moment)
    except ValueError:
        return None
    if at is None or not pk.isascii() or not pk.isdigit() or timezone.is_naive(at):
        return None
    return at, int(pk)


def idea_readings_page(
    idea: Idea,
    *,
    source: str = "",
    start: datetime | None = None,
    end: datetime | None = None,
    older_than: tuple[datetime, int] | None = None,
    newer_than: tuple[datetime, int] | None = None,
    limit: int = READING_PAGE,
) -> ReadingPage:
    """A page of the idea's readings, newest first, filtered by source and time.

    Keyset pagination over the (idea, recorded_at, id) index: every page costs one index
    range scan of ``limit + 1`` rows, the first page as much as the ten-thousandth.
    """
    readings = Reading.objects.filter(idea=idea).select_related("metric", "created_by")
    if source:
        readings = readings.filter(source=source)
    if start is not None:
        readings = readings.filter(recorded_at__gte=start)
    if end is not None:
        readings = readings.filter(recorded_at__lt=end)
    if newer_than is not None:
        at, pk = newer_than
        rows = list(
            readings.filter(Q(recorded_at__gt=at) | Q(recorded_at=at, id__gt=pk)).order_by(
                "recorded_at", "id"
            )[: limit + 1]
        )
        more_newer = len(rows) > limit
        rows = rows[:limit][::-1]
        return ReadingPage(
            rows=rows,
            older=reading_cursor(rows[-1]) if rows else None,
            newer=reading_cursor(rows[0]) if rows and more_newer else None,
        )
    if older_than is not None:
        at, pk = older_than
        readings = readings.filter(Q(recorded_at__lt=at) | Q(recorded_at=at, id__lt=pk))
    rows = list(readings.order_by("-recorded_at", "-id")[: limit + 1])
    more_older = len(rows) > limit
    rows = rows[:limit]
    return ReadingPage(
        rows=rows,
        older=reading_cursor(rows[-1]) if rows and more_older else None,
        newer=reading_cursor(rows[0]) if rows and older_than is not None else None,
    )


def reading_list() -> QuerySet[Reading]:
    """Readings oldest first (for the API)."""
    return Reading.objects.order_by("recorded_at", "id")


def reading_detail() -> QuerySet[Reading]:
    """Readings with their idea and metric (to delete one and say which)."""
    return Reading.objects.select_related("idea", "metric")
