"""HTML views of the projects app: parse input, call a selector or a service, render.

Who may write is decided by ``projects.permissions``: the services call it on every write
(``PermissionDenied`` becomes Django's 403 page with its message), and a page that shows a
form calls the same function first, so nobody sees a form they may not submit. Templates
offer actions through the same functions (the ``may`` filters). A package by topic;
everything is re-exported so ``projects.urls`` imports one module.
"""

from .dashboard import dashboard
from .portfolio import portfolio_page, roadmap
from .projects import (
    project_create,
    project_detail,
    project_edit,
    project_list,
    project_phase,
    project_takeaways,
    project_team,
    project_timeline,
)
from .rotations import (
    rotation_availability,
    rotation_create,
    rotation_delete,
    rotation_edit,
    staffing,
)
from .takeaways import takeaway_create, takeaway_detail, takeaway_edit, takeaway_list
from .targets import target_add, target_edit

__all__ = [
    "dashboard",
    "portfolio_page",
    "project_create",
    "project_detail",
    "project_edit",
    "project_list",
    "project_phase",
    "project_takeaways",
    "project_team",
    "project_timeline",
    "roadmap",
    "rotation_availability",
    "rotation_create",
    "rotation_delete",
    "rotation_edit",
    "staffing",
    "takeaway_create",
    "takeaway_detail",
    "takeaway_edit",
    "takeaway_list",
    "target_add",
    "target_edit",
]
