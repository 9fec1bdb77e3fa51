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


class Phase(models.TextChoices):
    """The delivery phases of a project; ``projects.transitions`` says which moves are allowed."""

    RESEARCH = "research", "Research"
    PROTOTYPE = "prototype", "Prototype"
    IMPLEMENTATION = "implementation", "Implementation"
    RELEASED = "released", "Released"
    MONITORING = "monitoring", "Monitoring"
    ARCHIVED = "archived", "Archived"


class Health(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"


class Project(models.Model):
    """A piece of joint data-science and engineering work, moving through phases.

    ``phase`` is written only by ``services.project_change_phase``.
    """

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True)
    customer_value = models.TextField(
        blank=True, help_text="The value this project should create for customers."
    )
    product_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_projects",
    )
    target_release = models.DateField(null=True, blank=True)
    health = models.CharField(max_length=16, choices=Health.choices, default=Health.ON_TRACK)
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.RESEARCH)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["phase", "name"], name="project_phase_name")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phase__in=Phase.values), name="project_phase_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(health__in=Health.values), name="project_health_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:project-detail", kwargs={"slug": self.slug})


class PhaseChange(models.Model):
    """One recorded move of a project between phases: who, when, from, to, why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(max_length=16, choices=Phase.choices)
    to_phase = models.CharField(max_length=16, choices=Phase.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    override_reason = models.TextField(
        blank=True, help_text="Set when a manager overrode a failing phase gate."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project}: {self.from_phase} → {self.to_phase}"


class Activity(models.Model):
    """The activity log: who did what to which object, when. Written by ``activity_record``.

    Feeds the project timeline, the API and the weekly digests. ``target_repr`` keeps the
    object's name readable after the object itself is gone.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=64)
    target_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.SET_NULL
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target_repr = models.CharField(max_length=300, blank=True)
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="activities"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["project", "-created_at"], name="activity_project_time"),
            models.Index(fields=["-created_at"], name="activity_time"),
            models.Index(fields=["target_type", "target_id"], name="activity_target"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.verb} {self.target_repr}"
