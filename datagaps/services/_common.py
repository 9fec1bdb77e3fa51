"""Helpers the data-gap services share: the row lock, the checks of people and dates."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.exceptions import Conflict

from ..models import DataGap
from ..permissions import can_triage

PAST_NEEDED_BY = "Choose today or a later date: the needed-by date cannot be in the past."
NOT_AN_ENGINEER = "Assign the request to a data engineer or a manager."
INACTIVE = "Choose someone whose account is active."


def lock(pk: int) -> DataGap:
    """The request's row, locked until commit, with its project."""
    return DataGap.objects.select_for_update(of=("self",)).select_related("project").get(pk=pk)


def stale(request: DataGap) -> Conflict:
    """The lost race of a request moved by someone else after the caller looked at it."""
    return Conflict(
        f"“{request.title}” is {request.get_status_display().lower()} now: someone moved it "
        "meanwhile. Reload and try again."
    )


def check_needed_by(value: datetime.date | None) -> None:
    """A needed-by date, when given, is today or later."""
    if value is not None and value < timezone.localdate():
        raise ValidationError({"needed_by": PAST_NEEDED_BY})


def check_assignee(assignee: User | None) -> None:
    """Requests go to active data engineers (or managers), or to nobody."""
    if assignee is None:
        return
    if not assignee.is_active:
        raise ValidationError({"assignee": INACTIVE})
    if not can_triage(assignee):
        raise ValidationError({"assignee": NOT_AN_ENGINEER})


def clean_text(value: str | None) -> str:
    return (value or "").strip()
