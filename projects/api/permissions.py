"""The API's default permission: the same role rules as the browser UI."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from projects.models import Role
from projects.permissions import user_has_role


class RolePermission(BasePermission):
    """Any signed-in person may read; writing needs the view's ``write_role`` (member by default).

    Object-level rules (your own idea, manager-only transitions) live in the services,
    so the UI and the API refuse the same things.
    """

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return user_has_role(request.user, getattr(view, "write_role", Role.MEMBER))
