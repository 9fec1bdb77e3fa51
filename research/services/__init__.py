"""Every write in the research app goes through a function here.

Each service checks who may act (``research.permissions``), validates, writes, and records
the activity event in the same transaction. They raise Django's ``ValidationError`` (a 400
in the API, form errors in the UI) and ``PermissionDenied`` (a 403). A package by topic;
everything is re-exported so callers import from ``research.services``.
"""

from ._common import MAX_ABS_VALUE, NOT_FINITE, TOO_LARGE
from .boards import (
    BOARD_EDITABLE_FIELDS,
    METRIC_EDITABLE_FIELDS,
    board_create,
    board_update,
    metric_create,
    metric_target_problem,
    metric_update,
)
from .ideas import (
    IDEA_EDITABLE_FIELDS,
    idea_create,
    idea_reorder,
    idea_transition,
    idea_update,
    promotion_below_bar,
)
from .readings import (
    MAX_BULK_READINGS,
    MAX_FUTURE_SKEW,
    ReadingsInvalid,
    reading_create,
    reading_delete,
    readings_ingest,
    readings_problems,
)
from .tasks import TASK_EDITABLE_FIELDS, task_claim, task_create, task_update

__all__ = [
    "BOARD_EDITABLE_FIELDS",
    "IDEA_EDITABLE_FIELDS",
    "MAX_ABS_VALUE",
    "MAX_BULK_READINGS",
    "MAX_FUTURE_SKEW",
    "METRIC_EDITABLE_FIELDS",
    "NOT_FINITE",
    "TASK_EDITABLE_FIELDS",
    "TOO_LARGE",
    "ReadingsInvalid",
    "board_create",
    "board_update",
    "idea_create",
    "idea_reorder",
    "idea_transition",
    "idea_update",
    "metric_create",
    "metric_target_problem",
    "metric_update",
    "promotion_below_bar",
    "reading_create",
    "reading_delete",
    "readings_ingest",
    "readings_problems",
    "task_claim",
    "task_create",
    "task_update",
]
