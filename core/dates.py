"""Date-time helpers every app shares."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

NAIVE = "Give the date and time with its UTC offset, e.g. 2026-01-31T09:30:00Z."
OUT_OF_RANGE = "Date and time out of range: in UTC it must fall within the years 1 to 9999."


def to_utc(moment: datetime.datetime) -> datetime.datetime:
    """The same instant as ``moment``, in UTC; the one normalisation before a write or query.

    ISO 8601 and Python allow UTC offsets up to ±23:59, PostgreSQL's text input (COPY, and
    parameters sent with their offset) only up to ±15:59: ``+19:09`` would be a 500 there.
    Refuses, as a ``ValidationError``, a naive date-time (which instant is meant is not
    known) and one whose UTC equivalent leaves Python's range (years 1 to 9999).
    """
    if timezone.is_naive(moment):
        raise ValidationError(NAIVE, code="naive")
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:
        raise ValidationError(OUT_OF_RANGE, code="overflow") from None
