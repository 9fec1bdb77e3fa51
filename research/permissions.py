"""Who may do what on research boards; used by services, views and templates alike."""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from accounts.permissions import user_has_role


def can_manage_boards(user: User | AnonymousUser) -> bool:
    """Managers and admins create and edit boards and metrics, and may move any idea."""
    return user_has_role(user, Role.MANAGER)


def can_create_ideas(user: User | AnonymousUser) -> bool:
    return user_has_role(user, Role.MEMBER)


def can_edit_idea(user: User | AnonymousUser, idea) -> bool:
    """Members edit, move and record readings on the ideas they own; managers on any."""
    if user_has_role(user, Role.MANAGER):
        return True
    return user_has_role(user, Role.MEMBER) and idea.owner_id == user.pk


def can_mark_task(user: User | AnonymousUser, task, idea) -> bool:
    """Members mark a task done if they own it, or own its idea; managers any task."""
    if not user_has_role(user, Role.MEMBER):
        return False
    return can_edit_idea(user, idea) or (task.owner_id is not None and task.owner_id == user.pk)


def require_manage_boards(user: User | AnonymousUser) -> None:
    if not can_manage_boards(user):
        raise PermissionDenied("You need the manager role to change boards and metrics.")


def require_edit_idea(user: User | AnonymousUser, idea) -> None:
    if not can_edit_idea(user, idea):
        raise PermissionDenied(
            "Only the idea's owner or a manager may change it or record readings on it."
        )
