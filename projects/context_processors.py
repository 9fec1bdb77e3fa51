"""Template context shared by every page: the navigation and the user's role."""

from django.http import HttpRequest
from django.urls import reverse

from .models import Role
from .permissions import user_has_role, user_role

# (label, url name, the view-name prefix that marks it current). Other slices append theirs,
# e.g. ("Boards", "research:board-list", "research:board").
NAV = [
    ("Projects", "projects:project-list", "projects:project"),
    ("Staffing", "projects:staffing", "projects:staffing"),
    ("Takeaways", "projects:takeaway-list", "projects:takeaway"),
]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    current = (match.view_name or "") if match else ""
    nav_items = [
        {"label": label, "url": reverse(url_name), "active": current.startswith(prefix)}
        for label, url_name, prefix in NAV
    ]
    return {
        "nav_items": nav_items,
        "user_role": user_role(user),
        "can_write": user_has_role(user, Role.MEMBER),
        "is_manager": user_has_role(user, Role.MANAGER),
        "is_admin": user_has_role(user, Role.ADMIN),
    }
