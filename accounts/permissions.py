"""Role predicates: the one definition of what each role may do.

Services call ``require_role`` (and the apps' own predicates built on it) and raise its
message; views, templates and the API only show that message.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from .models import ROLE_RANK, Role


def user_role(user: User | AnonymousUser) -> str | None:
    """The user's role; superusers are admins, anonymous users have none."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "profile", None)
    return profile.role if profile is not None else Role.VIEWER


def user_has_role(user: User | AnonymousUser, role: str) -> bool:
    """True when the user holds ``role`` or a stronger one."""
    current = user_role(user)
    return current is not None and ROLE_RANK[current] >= ROLE_RANK[role]


def require_role(user: User | AnonymousUser, role: str, action: str = "do this") -> None:
    """Raise PermissionDenied unless the user holds ``role`` or a stronger one."""
    if not user_has_role(user, role):
        raise PermissionDenied(f"You need the {Role(role).label.lower()} role to {action}.")
