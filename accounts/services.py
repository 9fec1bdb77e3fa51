"""People and their API tokens: every write of the accounts app."""

import datetime
import secrets

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.services import apply_changes, full_clean

from .models import ApiToken, Discipline, Profile, Role, hash_token_key
from .permissions import require_role, user_has_role
from .signals import api_token_created, api_token_revoked, profile_updated

# A key is this prefix plus 40 URL-safe random characters (240 bits).
TOKEN_KEY_PREFIX = "tdm_"
# Seconds between two writes of a token's last use: often enough to see which tokens are
# alive, rare enough that a busy training job does not write on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def profile_ensure(*, user: User) -> Profile:
    """Give ``user`` a profile if it has none; superusers start as admins."""
    profile, _ = Profile.objects.get_or_create(
        user=user, defaults={"role": Role.ADMIN if user.is_superuser else Role.VIEWER}
    )
    return profile


# The fields of a profile that :func:`profile_update` changes (every editable one).
PROFILE_EDITABLE_FIELDS = ("role", "discipline")


def profile_check_role_change(*, profile: Profile, role: str | None) -> None:
    """Refuse taking the admin role from the last active admin (a field message on ``role``).

    ``profile_update`` enforces it under a lock; forms (the admin's) call it to show the
    same message on the field before saving."""
    current = Profile.objects.filter(pk=profile.pk).values_list("role", flat=True).first()
    if current == Role.ADMIN and role is not None and role != Role.ADMIN:
        _check_not_last_admin(profile)


def _check_not_last_admin(profile: Profile) -> None:
    others = (
        User.objects.filter(is_active=True)
        .filter(Q(profile__role=Role.ADMIN) | Q(is_superuser=True))
        .exclude(pk=profile.user_id)
    )
    if not others.exists():
        raise ValidationError(
            {"role": "Tandem needs at least one admin: make someone else an admin first."}
        )


@transaction.atomic
def profile_update(
    *,
    profile: Profile,
    actor: User,
    role: str | None = None,
    discipline: str | None = None,
) -> Profile:
    """Change a person's role and/or discipline (``None`` leaves a field as it is); the only
    code that changes an existing profile. Admins only, and the last active admin keeps the
    role (someone must be able to manage people). Announces ``profile_updated`` with
    ``{field: [old, new]}`` (the activity log records it), and nothing when nothing changed.
    """
    require_role(actor, Role.ADMIN, "change a person's role or discipline")
    # Lock every admin profile first, so two admins demoting each other at once cannot both
    # pass the last-admin check.
    list(Profile.objects.select_for_update().filter(role=Role.ADMIN).values_list("pk"))
    profile = Profile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    if profile.role == Role.ADMIN and role is not None and role != Role.ADMIN:
        _check_not_last_admin(profile)
    wanted = {"role": role, "discipline": discipline}
    changes = apply_changes(
        profile, {field: value for field, value in wanted.items() if value is not None}
    )
    if changes:
        full_clean(profile)
        profile.save(update_fields=list(changes))
        profile_updated.send(sender=Profile, profile=profile, actor=actor, changes=changes)
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


def _check_token_owner(token: ApiToken, actor: User) -> None:
    if token.user_id != actor.pk and not user_has_role(actor, Role.ADMIN):
        raise PermissionDenied("You can only revoke your own API tokens.")


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    actor: User,
    expires_at: datetime.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Make a named token for ``user``; return it and its key, which is never shown again.

    Anyone signed in makes their own; only admins make tokens for others; a deactivated
    person gets none. The expiry, if given, must lie in the future. Announces
    ``api_token_created`` (the activity log records it).
    """
    if user.pk != actor.pk and not user_has_role(actor, Role.ADMIN):
        raise PermissionDenied("You can only create API tokens for yourself.")
    if not user.is_active:
        raise ValidationError("A deactivated person cannot hold API tokens.")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "Choose a time in the future."})
    key = TOKEN_KEY_PREFIX + secrets.token_urlsafe(30)
    token = ApiToken(
        user=user,
        name=(name or "").strip(),
        key_hash=hash_token_key(key),
        prefix=key[: len(TOKEN_KEY_PREFIX) + 4],
        expires_at=expires_at,
    )
    full_clean(token)
    token.save()
    api_token_created.send(sender=ApiToken, token=token, actor=actor)
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke ``token`` at once: its owner or an admin. Revoking twice changes nothing.
    Announces ``api_token_revoked`` (the activity log records it)."""
    _check_token_owner(token, actor)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        api_token_revoked.send(sender=ApiToken, token=token, actor=actor)
    return token


def api_token_authenticate(key: str) -> ApiToken | None:
    """The active token whose key is ``key`` (one indexed query), noting its use at most
    once a minute; ``None`` when there is no such token or it is revoked or expired."""
    token = (
        ApiToken.objects.select_related("user__profile")
        .filter(key_hash=hash_token_key(key))
        .first()
    )
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
