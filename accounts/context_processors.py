"""The signed-in person's role, for templates that show or hide actions."""

from django.http import HttpRequest

from .models import Role
from .permissions import user_has_role, user_role


def roles(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "user_role": user_role(user),
        "can_write": user_has_role(user, Role.MEMBER),
        "is_manager": user_has_role(user, Role.MANAGER),
        "is_admin": user_has_role(user, Role.ADMIN),
    }
