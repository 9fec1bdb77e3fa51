"""Projects: phases and their history, targets, rotations and takeaways."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accounts.models import person_label
from core.durable import DurableWork


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
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="member_projects",
        help_text="People on the team besides those with a current rotation.",
    )
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


class TargetKind(models.TextChoices):
    """A measurable target, or an ideal user scenario ("what experience do we drive?")."""

    TARGET = "target", "Target"
    SCENARIO = "scenario", "Ideal user scenario"


class Target(models.Model):
    """A target or an ideal user scenario of a project: the experience it tries to drive.

    Ordered per project by ``position``; leaving research needs at least one.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(max_length=16, choices=TargetKind.choices, default=TargetKind.TARGET)
    text = models.TextField()
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=TargetKind.values), name="target_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


# A rotation's share of the person's time, in percent: the one definition of the range (the
# field's validators, the database constraint, and the min/max of the forms' number input).
MIN_ALLOCATION = 1
MAX_ALLOCATION = 100
ALLOCATION_MESSAGE = f"Allocation is a percentage from {MIN_ALLOCATION} to {MAX_ALLOCATION}."


class Rotation(models.Model):
    """A person's stint on a project: role, dates and allocation.

    Without a person it is a *placeholder*: demand that a manager still has to staff.
    ``planned_end`` defaults to the project's target release; ``actual_end`` is set when the
    rotation ends early or the project is released. Two rotations of one person on one
    project may not overlap (enforced in ``services`` under a row lock). The allocation range
    (field validators) and the date order (``clean``) are checked here, with the messages the
    services raise, and backed by database constraints.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rotations",
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="rotations")
    role = models.CharField(max_length=100)
    start = models.DateField()
    planned_end = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)
    allocation = models.PositiveSmallIntegerField(
        default=MAX_ALLOCATION,
        validators=[
            MinValueValidator(MIN_ALLOCATION, ALLOCATION_MESSAGE),
            MaxValueValidator(MAX_ALLOCATION, ALLOCATION_MESSAGE),
        ],
        help_text=f"Percent of the person's time, {MIN_ALLOCATION} to {MAX_ALLOCATION}.",
    )
    takeaway_requested_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the person was asked for a takeaway (the email: TakeawayRequest).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["person", "start"], name="rotation_person_start"),
            models.Index(fields=["project", "start"], name="rotation_project_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(allocation__gte=MIN_ALLOCATION, allocation__lte=MAX_ALLOCATION),
                name="rotation_allocation_range",
            ),
            models.CheckConstraint(
                condition=models.Q(planned_end__isnull=True)
                | models.Q(planned_end__gte=models.F("start")),
                name="rotation_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(actual_end__isnull=True)
                | models.Q(actual_end__gte=models.F("start")),
                name="rotation_actual_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{person_label(self.person)} · {self.role} on {self.project}"

    def clean(self) -> None:
        """Ends on or after the start, as messages on the end fields (the constraints behind
        them would be non-field errors a client cannot place)."""
        errors = {}
        for field, label in (("planned_end", "planned end"), ("actual_end", "actual end")):
            end = getattr(self, field)
            if end is not None and self.start is not None and end < self.start:
                errors[field] = f"The {label} cannot be before the start."
        if errors:
            raise ValidationError(errors)

    @property
    def is_placeholder(self) -> bool:
        return self.person_id is None

    @property
    def end(self):
        """When the rotation ends: the actual end if set, else the planned one (may be None)."""
        return self.actual_end or self.planned_end


class TakeawayRequest(DurableWork):
    """The email asking the person of a rotation ended by a release for a takeaway.

    Durable work (:mod:`core.durable`): written in the release's transaction, sent exactly
    once by ``services.takeaway_request_send`` through its prompt task or the sweep. A
    rotation ended by a second release (after it was reopened) gets a second request.
    """

    rotation = models.ForeignKey(
        Rotation, on_delete=models.CASCADE, related_name="takeaway_requests"
    )

    class Meta(DurableWork.Meta):
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Takeaway request for {self.rotation} ({self.get_status_display()})"


# The longest takeaway text, in characters: a takeaway is a note to the team, not a report,
# and the feed and the digest show it whole. ``services.takeaways`` refuses longer ones.
TAKEAWAY_TEXT_MAX_LENGTH = 10_000


class Takeaway(models.Model):
    """What someone learned, optionally on a project and a rotation; markdown, tagged.

    ``tags`` is stored normalised as ``,tag1,tag2,`` so a tag filter is one portable
    ``contains`` lookup on PostgreSQL and SQLite alike.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="takeaways"
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="takeaways"
    )
    rotation = models.ForeignKey(
        Rotation, null=True, blank=True, on_delete=models.SET_NULL, related_name="takeaways"
    )
    title = models.CharField(max_length=200)
    text = models.TextField(help_text="Markdown.")
    tags = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:takeaway-detail", kwargs={"pk": self.pk})

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]
