"""People and their access: profiles (discipline, role) and personal API tokens.

People are Django auth users; every user has a :class:`Profile` (``signals`` keeps it so).
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone


class Discipline(models.TextChoices):
    DATA_SCIENTIST = "data_scientist", "Data scientist"
    DATA_ENGINEER = "data_engineer", "Data engineer"
    SOFTWARE_ENGINEER = "software_engineer", "Software engineer"
    PRODUCT_MANAGER = "product_manager", "Product manager"
    DESIGNER = "designer", "Designer"
    MANAGER = "manager", "Manager"


class Role(models.TextChoices):
    """What a person may do; each role includes the ones before it."""

    VIEWER = "viewer", "Viewer"
    MEMBER = "member", "Member"
    MANAGER = "manager", "Manager"
    ADMIN = "admin", "Admin"


ROLE_RANK = {Role.VIEWER: 0, Role.MEMBER: 1, Role.MANAGER: 2, Role.ADMIN: 3}


def person_label(user) -> str:
    """How a person is named everywhere (forms, filters, pages, API): full name, else
    username; ``None`` (an unfilled placeholder) is "Unfilled"."""
    if user is None:
        return "Unfilled"
    return user.get_full_name() or user.get_username()


class Profile(models.Model):
    """A person's discipline, role and preferences, one per user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    discipline = models.CharField(
        max_length=32, choices=Discipline.choices, default=Discipline.DATA_SCIENTIST
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="profile_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(discipline__in=Discipline.values),
                name="profile_discipline_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"

    def has_role(self, role: str) -> bool:
        """True when this person's role is ``role`` or a stronger one."""
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


def hash_token_key(key: str) -> str:
    """The stored form of a token key: its SHA-256, hex. Keys are long random strings, so
    a fast hash is enough (no dictionary to guess from) and lookups stay one indexed query."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token, sent as ``Authorization: Bearer <key>``.

    A person may hold several, each named. The key is shown once, at creation, and stored
    only as :func:`hash_token_key`; ``prefix`` keeps its first characters so people can tell
    their tokens apart. A revoked or expired token no longer authenticates.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"
        indexes = [models.Index(fields=["user", "-created_at"], name="apitoken_user_time")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired
