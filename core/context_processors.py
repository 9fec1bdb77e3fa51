"""Template context shared by every page: the header navigation from the registry."""

from django.http import HttpRequest

from .registries import nav_items


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    return {"nav_items": nav_items((match.view_name or "") if match else "")}
