"""Every write in the projects app goes through a function here.

A package by topic; everything is re-exported so callers import from ``projects.services``.
"""

from .phases import (
    FUTURE_PLACEHOLDER_CHOICES,
    PLACEHOLDERS_CANCEL,
    PLACEHOLDERS_KEEP,
    PROJECT_EDITABLE_FIELDS,
    RESERVED_SLUGS,
    gate_needs_a_target,
    gate_needs_a_target_many,
    project_change_phase,
    project_create,
    project_update,
)
from .rotations import (
    ROTATION_EDITABLE_FIELDS,
    check_rotation_project,
    default_planned_end,
    rotation_create,
    rotation_delete,
    rotation_update,
    rotation_warnings,
    takeaway_request_send,
)
from .takeaways import TAKEAWAY_EDITABLE_FIELDS, takeaway_create, takeaway_delete, takeaway_update
from .targets import (
    TARGET_EDITABLE_FIELDS,
    target_create,
    target_delete,
    target_move,
    target_update,
)

__all__ = [
    "FUTURE_PLACEHOLDER_CHOICES",
    "PLACEHOLDERS_CANCEL",
    "PLACEHOLDERS_KEEP",
    "PROJECT_EDITABLE_FIELDS",
    "RESERVED_SLUGS",
    "ROTATION_EDITABLE_FIELDS",
    "TAKEAWAY_EDITABLE_FIELDS",
    "TARGET_EDITABLE_FIELDS",
    "check_rotation_project",
    "default_planned_end",
    "gate_needs_a_target",
    "gate_needs_a_target_many",
    "project_change_phase",
    "project_create",
    "project_update",
    "rotation_create",
    "rotation_delete",
    "rotation_update",
    "rotation_warnings",
    "takeaway_create",
    "takeaway_delete",
    "takeaway_request_send",
    "takeaway_update",
    "target_create",
    "target_delete",
    "target_move",
    "target_update",
]
