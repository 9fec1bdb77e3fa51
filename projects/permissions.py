"""Who may write what in the projects app: one function per kind of write, one message each.

Each ``require_*`` raises ``PermissionDenied`` with its message and is the only definition of
its rule: the services call it before any write; the views call the same function before
showing a form; the API viewsets call it (``write_check``) before reading the input; the
templates ask :func:`allows` (through the ``may`` and ``may_edit`` filters) before offering
a button. Nobody else compares roles.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from accounts.permissions import require_role, user_has_role

from .models import Takeaway


def require_manage_projects(user: User | AnonymousUser) -> None:
    """Create and edit projects: managers."""
    require_role(user, Role.MANAGER, "create or edit projects")


def require_change_phase(user: User | AnonymousUser) -> None:
    """Move a project to another phase (and override a failing gate): managers."""
    require_role(user, Role.MANAGER, "change a project's phase")


def require_edit_targets(user: User | AnonymousUser) -> None:
    """Add, edit, reorder and remove targets and scenarios: managers."""
    require_role(user, Role.MANAGER, "edit targets")


def require_plan_rotations(user: User | AnonymousUser) -> None:
    """Add, change and remove rotations and placeholders: managers."""
    require_role(user, Role.MANAGER, "plan rotations")


def require_share_takeaways(user: User | AnonymousUser) -> None:
    """Share a takeaway (and the first half of editing one): members and up."""
    require_role(user, Role.MEMBER, "share takeaways")


def require_edit_takeaway(user: User | AnonymousUser, takeaway: Takeaway) -> None:
    """Edit or delete a takeaway: its author (still a member or up) or an admin."""
    require_share_takeaways(user)
    if takeaway.author_id != user.pk and not user_has_role(user, Role.ADMIN):
        raise PermissionDenied("You can only change your own takeaways.")


# The checks templates may ask about by name: ``{% if user|may:"plan_rotations" %}``.
CHECKS: dict[str, Callable[[Any], None]] = {
    "manage_projects": require_manage_projects,
    "change_phase": require_change_phase,
    "edit_targets": require_edit_targets,
    "plan_rotations": require_plan_rotations,
    "share_takeaways": require_share_takeaways,
}


def allows(check: Callable[..., None], *args: Any) -> bool:
    """True when ``check(*args)`` passes: the same rule a page uses to offer an action."""
    try:
        check(*args)
    except PermissionDenied:
        return False
    return True
