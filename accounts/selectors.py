"""Reads of the accounts app: people and their tokens."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from .models import ApiToken


def person_list() -> QuerySet[User]:
    """Active people with their profile, by name."""
    return (
        User.objects.filter(is_active=True)
        .select_related("profile")
        .order_by("first_name", "last_name", "username")
    )


def active_people() -> QuerySet[User]:
    """People who may be chosen in a form or a filter (active), by name."""
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


def api_token_list(user: User) -> QuerySet[ApiToken]:
    """``user``'s tokens, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_any() -> QuerySet[ApiToken]:
    """Every token, with its owner: for revoking by id, where the service decides who may."""
    return ApiToken.objects.select_related("user")
