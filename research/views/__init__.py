"""HTML views of the research app: parse input, call a selector or a service, render.

Writes answer with a redirect (post/redirect/get) so every form works without JavaScript;
the board's drag and drop posts the same move form with ``Accept: application/json`` and
gets JSON back instead. Who may write is decided by ``research.permissions``: a view calls
the same ``require_*`` function as the service to refuse a form early, never its own rule.
A package by topic; everything is re-exported so ``research.urls`` imports one module.
"""

from .boards import (
    board_detail,
    board_idea_create,
    board_metric_create,
    board_settings,
    boards_list,
    metric_edit,
    project_boards,
)
from .compare import board_compare
from .ideas import idea_detail, idea_edit, idea_move, idea_promote, idea_reorder
from .readings import board_readings_import, idea_reading_create, reading_delete
from .tasks import idea_task_create, my_tasks, task_claim, task_edit, task_state, task_toggle

__all__ = [
    "board_compare",
    "board_detail",
    "board_idea_create",
    "board_metric_create",
    "board_readings_import",
    "board_settings",
    "boards_list",
    "idea_detail",
    "idea_edit",
    "idea_move",
    "idea_promote",
    "idea_reading_create",
    "idea_reorder",
    "idea_task_create",
    "metric_edit",
    "my_tasks",
    "project_boards",
    "reading_delete",
    "task_claim",
    "task_edit",
    "task_state",
    "task_toggle",
]
