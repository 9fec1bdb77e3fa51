"""Allowed data-gap status transitions: plain data, read by the service, the UI and the API."""

from .models import Status

DATAGAP_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset({Status.TRIAGED, Status.DECLINED, Status.DUPLICATE}),
    Status.TRIAGED: frozenset({Status.IN_PROGRESS, Status.DECLINED, Status.DUPLICATE}),
    # Back to triaged: work paused, the request waits in the backlog again.
    Status.IN_PROGRESS: frozenset(
        {Status.TRIAGED, Status.DELIVERED, Status.DECLINED, Status.DUPLICATE}
    ),
    # Closed requests can be reopened, with a note saying why.
    Status.DELIVERED: frozenset({Status.OPEN}),
    Status.DECLINED: frozenset({Status.OPEN}),
    Status.DUPLICATE: frozenset({Status.OPEN}),
}

# Moving into these needs the field named: a reason to decline, a note to reopen.
REASON_REQUIRED: frozenset[str] = frozenset({Status.DECLINED})
NOTE_REQUIRED: frozenset[str] = frozenset({Status.OPEN})

# Moves the requester may make on their own request; every other move is a data engineer's
# or a manager's (``datagaps.permissions``).
REQUESTER_MOVES: frozenset[str] = frozenset({Status.OPEN})


def allowed_statuses(current: str) -> list[str]:
    """The statuses a request in ``current`` may move to, in workflow order."""
    allowed = DATAGAP_TRANSITIONS.get(current, frozenset())
    return [status for status in Status.values if status in allowed]
