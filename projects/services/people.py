"""People: users with a Tandem profile."""

from django.contrib.auth.models import User
from django.db import transaction
from rest_framework.authtoken.models import Token

from ..models import (
    Discipline,
    Profile,
    Role,
)
from .activity import activity_record


def profile_ensure(*, user: User) -> Profile:
    """Give ``user`` a profile if it has none; superusers start as admins."""
    profile, _ = Profile.objects.get_or_create(
        user=user, defaults={"role": Role.ADMIN if user.is_superuser else Role.VIEWER}
    )
    return profile


@transaction.atomic
def person_create(
    *,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    discipline: str = Discipline.DATA_SCIENTIST,
    role: str = Role.MEMBER,
) -> User:
    """Create a person: a user with a profile of the given discipline and role."""
    user = User.objects.create_user(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    Profile.objects.filter(user=user).update(discipline=discipline, role=role)
    user.profile.refresh_from_db()
    return user


@transaction.atomic
def api_token_regenerate(*, user: User) -> Token:
    """Give ``user`` a new personal API token, revoking the old one at once."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    activity_record(actor=user, verb="regenerated their API token", target=user)
    return token


@transaction.atomic
def api_token_revoke(*, user: User) -> None:
    """Revoke ``user``'s personal API token, if any."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        activity_record(actor=user, verb="revoked their API token", target=user)
