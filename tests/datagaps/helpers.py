"""Requests in any status, and the fields each move needs, for the data-gaps tests."""

from django.utils import timezone

from datagaps.models import DataGap
from tests.factories import DataGapFactory

STATUSES = ["open", "triaged", "in_progress", "delivered", "declined", "duplicate"]


def request_in(status: str, **kwargs) -> DataGap:
    """A request already in ``status``, with what that status needs (a reason, a canonical
    request, what was delivered)."""
    extra = {}
    if status == "declined":
        extra["decline_reason"] = "Out of scope."
    if status == "duplicate":
        extra["duplicate_of"] = DataGapFactory(title="The canonical ask")
    if status == "delivered":
        extra.update(
            delivered_dataset="events_v1", delivered_location="warehouse.events_v1",
            delivered_at=timezone.now(),
        )  # fmt: skip
    if status != "open":
        extra["first_triaged_at"] = timezone.now()
    return DataGapFactory(status=status, **extra, **kwargs)


def move_fields(to: str, *, canonical: DataGap | None = None) -> dict:
    """The service's keyword arguments (besides ``to``) a move into ``to`` needs."""
    if to == "declined":
        return {"reason": "We will not build this."}
    if to == "open":
        return {"note": "Needed again."}
    if to == "duplicate":
        return {"duplicate_of": canonical or DataGapFactory(title="Another ask")}
    if to == "delivered":
        return {
            "delivered_dataset": "clicks_daily",
            "delivered_location": "warehouse.analytics.clicks_daily",
            "delivered_notes": "Refreshed at 03:00 UTC.",
        }
    return {}
