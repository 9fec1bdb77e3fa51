"""What the project selectors share: today, and which rotations run on a day or in a span."""

import datetime

from django.db.models import Q
from django.utils import timezone


def _today() -> datetime.date:
    return timezone.localdate()


def active_on_q(day: datetime.date, prefix: str = "") -> Q:
    """Rotations running on ``day`` (``prefix`` reaches them through a relation)."""
    return Q(**{f"{prefix}start__lte": day}) & (
        Q(**{f"{prefix}actual_end__gte": day})
        | Q(**{f"{prefix}actual_end__isnull": True, f"{prefix}planned_end__gte": day})
        | Q(**{f"{prefix}actual_end__isnull": True, f"{prefix}planned_end__isnull": True})
    )


def overlapping_q(first: datetime.date, last: datetime.date, prefix: str = "") -> Q:
    """Rotations with at least one day in ``first``..``last``."""
    return Q(**{f"{prefix}start__lte": last}) & (
        Q(**{f"{prefix}actual_end__gte": first})
        | Q(**{f"{prefix}actual_end__isnull": True, f"{prefix}planned_end__gte": first})
        | Q(**{f"{prefix}actual_end__isnull": True, f"{prefix}planned_end__isnull": True})
    )


def current_or_planned_q(day: datetime.date, prefix: str = "") -> Q:
    """Rotations running on ``day`` or starting after it: the team counts both."""
    return active_on_q(day, prefix) | Q(**{f"{prefix}start__gt": day})
