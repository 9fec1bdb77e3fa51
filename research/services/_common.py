"""Helpers the research services share: bounded numbers, storable text, active owners, the
update save."""

import math

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from core.services import nul_message, refuse_nul  # noqa: F401  (re-exported to the research services)

# Readings, baselines and targets are bounded well inside a float's range, so differences
# and percentages of them stay finite (JSON has no infinity).
MAX_ABS_VALUE = 1e15
TOO_LARGE = f"Enter a number between -{MAX_ABS_VALUE:,.0f} and {MAX_ABS_VALUE:,.0f}."
NOT_FINITE = "Enter a finite number (not NaN or infinity)."


def number_parse(value) -> tuple[float | None, str]:
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


def finite(value, field: str) -> float:
    """A finite, bounded float from ``value``, or a ValidationError on ``field``."""
    number, message = number_parse(value)
    if message:
        raise ValidationError({field: message})
    return number


def require_active(owner: User | None, field: str = "owner") -> None:
    """People who can no longer sign in cannot be handed ideas or tasks."""
    if owner is not None and not owner.is_active:
        raise ValidationError({field: "Choose someone whose account is active."})
