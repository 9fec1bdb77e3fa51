"""MLflow runs: created, logged to, ended, attached to ideas; mapped keys become readings.

Every write the MLflow endpoint and the pages make goes through here. Who may log: a member
(``research.permissions``), on a run they created, or on a run of an idea they may edit.
Limits are MLflow's own, refused with Django's ``ValidationError`` (the MLflow endpoint turns
it into ``INVALID_PARAMETER_VALUE``), so a client behaves as it does against MLflow. A package
by topic; everything is re-exported so callers import from ``integrations.services.runs``.
"""

from .experiments import AlreadyExists, experiment_create, experiment_name
from .lifecycle import (
    run_attach_idea,
    run_create,
    run_delete_tag,
    run_log,
    run_set_deleted,
    run_update,
)
from .parsing import (
    IDEA_TAG,
    KEY_PATTERN,
    MAX_BATCH_ENTITIES,
    MAX_BATCH_METRICS,
    MAX_BATCH_PARAMS,
    MAX_BATCH_TAGS,
    MAX_INT64,
    RUN_NAME_TAG,
    Point,
    int64,
    now_ms,
    point_parse,
)
from .permissions import NOT_YOUR_RUN, can_log_to_run, require_log_to_run
from .readings import metric_alias_create, metric_keys

__all__ = [
    "IDEA_TAG",
    "KEY_PATTERN",
    "MAX_BATCH_ENTITIES",
    "MAX_BATCH_METRICS",
    "MAX_BATCH_PARAMS",
    "MAX_BATCH_TAGS",
    "MAX_INT64",
    "NOT_YOUR_RUN",
    "RUN_NAME_TAG",
    "AlreadyExists",
    "Point",
    "can_log_to_run",
    "experiment_create",
    "experiment_name",
    "int64",
    "metric_alias_create",
    "metric_keys",
    "now_ms",
    "point_parse",
    "require_log_to_run",
    "run_attach_idea",
    "run_create",
    "run_delete_tag",
    "run_log",
    "run_set_deleted",
    "run_update",
]
