"""People: users with a Tandem profile."""

from django.contrib.auth.models import User
from django.db import transaction

from ..models import (
    Discipline,
    Profile,
    Role,
)


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
