"""Who may do what on research boards: the one definition, with the one message per rule.

Services call the ``require_*`` functions; views may call the same function to refuse a
form early, the API calls the user-level ones (``require_manage_boards``,
``require_contribute``) before it parses a write; templates use the ``can_*`` predicates
to hide what a person may not use. Nobody restates a rule in other words.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from accounts.models import Role
from accounts.permissions import require_role, user_has_role

CONTRIBUTE = "propose ideas, record readings or work on tasks"
MANAGE_BOARDS = "change boards and metrics"
NOT_YOUR_IDEA = "Only the idea's owner or a manager may change it or record readings on it."
ASSIGN_OTHERS = "Only managers may give an idea to someone else."
NOT_YOUR_TASK = "Only the idea's owner, the task's owner or a manager may mark this task."
CLAIM_TASKS = "claim tasks"
TASK_OWNER_MARKS_ONLY = (
    "Only the idea's owner or a manager may rename a task or hand it to someone else; "
    "its owner may mark it done."
)


def can_manage_boards(user: User | AnonymousUser) -> bool:
    """Managers and admins create and edit boards and metrics, and may move any idea."""
    return user_has_role(user, Role.MANAGER)


def can_contribute(user: User | AnonymousUser) -> bool:
    """Members propose ideas, record readings and work on tasks (on their own ideas)."""
    return user_has_role(user, Role.MEMBER)


def can_edit_idea(user: User | AnonymousUser, idea) -> bool:
    """Members edit, move and record readings on the ideas they own; managers on any."""
    if can_manage_boards(user):
        return True
    return can_contribute(user) and idea.owner_id == user.pk


def can_mark_task(user: User | AnonymousUser, task, idea) -> bool:
    """Members mark a task done if they own it, or own its idea; managers any task."""
    if not can_contribute(user):
        return False
    return can_edit_idea(user, idea) or (task.owner_id is not None and task.owner_id == user.pk)


def require_manage_boards(user: User | AnonymousUser) -> None:
    require_role(user, Role.MANAGER, MANAGE_BOARDS)


def require_contribute(user: User | AnonymousUser) -> None:
    require_role(user, Role.MEMBER, CONTRIBUTE)


def require_edit_idea(user: User | AnonymousUser, idea) -> None:
    """A member (else the member-role message), and the idea's owner or a manager."""
    require_contribute(user)
    if not can_edit_idea(user, idea):
        raise PermissionDenied(NOT_YOUR_IDEA)


def require_assign_others(user: User | AnonymousUser, owner: User) -> None:
    """Only managers create an idea for, or hand an idea to, someone other than themselves."""
    if owner.pk != user.pk and not can_manage_boards(user):
        raise PermissionDenied(ASSIGN_OTHERS)


def require_mark_task(user: User | AnonymousUser, task, idea) -> None:
    require_contribute(user)
    if not can_mark_task(user, task, idea):
        raise PermissionDenied(NOT_YOUR_TASK)


def can_claim_task(user: User | AnonymousUser, task) -> bool:
    """Members take an unassigned task that is not done ("assign to me")."""
    return can_contribute(user) and task.owner_id is None and not task.done


def require_claim_task(user: User | AnonymousUser) -> None:
    """Members claim tasks; whether this one is still free is the service's (a lost race is
    a conflict, not a permission)."""
    require_role(user, Role.MEMBER, CLAIM_TASKS)


def can_edit_task(user: User | AnonymousUser, task, idea) -> bool:
    """Renaming, reassigning or re-dating a task: the idea's owner or a manager."""
    return can_mark_task(user, task, idea) and can_edit_idea(user, idea)


def require_edit_task(user: User | AnonymousUser, task, idea) -> None:
    """Renaming or reassigning a task: the idea's owner or a manager, not the task's owner."""
    require_mark_task(user, task, idea)
    if not can_edit_idea(user, idea):
        raise PermissionDenied(TASK_OWNER_MARKS_ONLY)
