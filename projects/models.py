"""Projects models. People are Django auth users with a :class:`Profile`."""

from django.conf import settings
from django.db import models


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
