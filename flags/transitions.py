"""Allowed flag status transitions: plain data, read by the service, the UI and the API."""

from .models import FlagStatus

FLAG_TRANSITIONS: dict[str, frozenset[str]] = {
    FlagStatus.OPEN: frozenset({FlagStatus.ACKNOWLEDGED}),
    FlagStatus.ACKNOWLEDGED: frozenset({FlagStatus.RESOLVED, FlagStatus.ACCEPTED_RISK}),
    # Reopening: the dependency came back, or the accepted risk no longer holds.
    FlagStatus.RESOLVED: frozenset({FlagStatus.OPEN}),
    FlagStatus.ACCEPTED_RISK: frozenset({FlagStatus.OPEN}),
}

# Moving into these needs a written note: how it was resolved, why the risk is acceptable,
# why it is open again.
NOTE_REQUIRED: frozenset[str] = frozenset(
    {FlagStatus.RESOLVED, FlagStatus.ACCEPTED_RISK, FlagStatus.OPEN}
)

# The words of each move, for buttons and messages.
ACTION_LABELS: dict[str, str] = {
    FlagStatus.OPEN: "Reopen",
    FlagStatus.ACKNOWLEDGED: "Acknowledge",
    FlagStatus.RESOLVED: "Resolve",
    FlagStatus.ACCEPTED_RISK: "Accept the risk",
}


def allowed_statuses(current: str) -> list[str]:
    """The statuses a flag in ``current`` may move to, in the order of ``FlagStatus``."""
    allowed = FLAG_TRANSITIONS.get(current, frozenset())
    return [status for status in FlagStatus.values if status in allowed]
