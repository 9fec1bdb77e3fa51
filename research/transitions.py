"""Allowed idea status and task state transitions: plain data, read by the services, the UI
and the API."""

from .models import Status, TaskState

IDEA_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PROPOSED: frozenset({Status.EXPLORING, Status.DROPPED}),
    Status.EXPLORING: frozenset({Status.PROPOSED, Status.PROTOTYPING, Status.DROPPED}),
    Status.PROTOTYPING: frozenset({Status.EXPLORING, Status.SHORTLISTED, Status.DROPPED}),
    Status.SHORTLISTED: frozenset({Status.PROTOTYPING, Status.PROMOTED, Status.DROPPED}),
    Status.PROMOTED: frozenset({Status.SHORTLISTED}),
    # A dropped idea can be revived: back to the start or straight into exploration.
    Status.DROPPED: frozenset({Status.PROPOSED, Status.EXPLORING}),
}

# Moving into these needs a written reason.
REASON_REQUIRED: frozenset[str] = frozenset({Status.DROPPED})


def allowed_statuses(current: str) -> list[str]:
    """The statuses an idea in ``current`` may move to, in board order."""
    allowed = IDEA_TRANSITIONS.get(current, frozenset())
    return [status for status in Status.values if status in allowed]


def move_choices(current: str) -> list[str]:
    """The allowed statuses in the order a move menu offers them: forward steps first, so
    the default choice never sends an idea backwards; then backward steps, dropping last."""
    here = Status.values.index(current)
    allowed = allowed_statuses(current)
    forward = [s for s in allowed if s != Status.DROPPED and Status.values.index(s) > here]
    return forward + [s for s in allowed if s not in forward]


# Any state may move to any other: a done task can be reopened, started work put back.
TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    TaskState.TODO: frozenset({TaskState.IN_PROGRESS, TaskState.DONE}),
    TaskState.IN_PROGRESS: frozenset({TaskState.TODO, TaskState.DONE}),
    TaskState.DONE: frozenset({TaskState.TODO, TaskState.IN_PROGRESS}),
}


def allowed_task_states(current: str) -> list[str]:
    """The states a task in ``current`` may move to, in the order of ``TaskState``."""
    allowed = TASK_TRANSITIONS.get(current, frozenset())
    return [state for state in TaskState.values if state in allowed]
