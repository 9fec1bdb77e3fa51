"""Dependency flags: engineering dependencies of a project (or one of its ideas) raised early.

A flag names something a model will need from engineering (backend retooling, a data
pipeline, an interface...) so it is seen before implementation starts. It moves
``open → acknowledged → resolved | accepted risk`` (``transitions.FLAG_TRANSITIONS``) and
records the project's phase when it was raised, which the early-warning figures read.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from projects.models import Phase


class Kind(models.TextChoices):
    BACKEND_RETOOLING = "backend_retooling", "Backend retooling"
    DATA_PIPELINE = "data_pipeline", "Data pipeline"
    INFRASTRUCTURE = "infrastructure", "Infrastructure"
    INTERFACE = "interface", "Interface / API"
    PERFORMANCE = "performance", "Performance"
    COMPLIANCE = "compliance", "Compliance"
    OTHER = "other", "Other"


class Severity(models.TextChoices):
    """How badly the dependency threatens delivery, mildest first."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


# Severity as a number, for sorting worst first in the database and in Python alike.
SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3, Severity.CRITICAL: 4}


class FlagStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"
    ACCEPTED_RISK = "accepted_risk", "Accepted risk"


# A flag in these still needs someone to act; the others are closed.
ACTIVE_STATUSES = (FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED)
CLOSED_STATUSES = (FlagStatus.RESOLVED, FlagStatus.ACCEPTED_RISK)
# Phases in which a raised flag counts as caught early.
EARLY_PHASES = (Phase.RESEARCH, Phase.PROTOTYPE)


class Flag(models.Model):
    """An engineering dependency flagged on a project, optionally on one of its ideas.

    ``status`` (and the step times and actors) change only through
    ``services.flag_transition``; ``raised_in_phase`` is recorded at raising and never
    edited. ``opened_at`` is when the flag last became open (raised or reopened): overdue
    and escalation count from it. ``acknowledged_at`` is the first acknowledgement (the
    early-warning figures measure time to it); ``closed_at`` the last resolution or
    accepted risk, cleared on reopening.
    """

    TITLE_MAX_LENGTH = 200
    NOTE_MAX_LENGTH = 2000
    BLOCKER_MAX_LENGTH = 300

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="flags")
    idea = models.ForeignKey(
        "research.Idea", null=True, blank=True, on_delete=models.SET_NULL, related_name="flags"
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    description = models.TextField(blank=True, help_text="Markdown.")
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.OTHER)
    severity = models.CharField(max_length=16, choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField(
        max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN, editable=False
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_in_phase = models.CharField(max_length=16, choices=Phase.choices, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_flags",
        help_text="Who must act on it.",
    )
    due_date = models.DateField(null=True, blank=True)
    external_blocker = models.CharField(
        max_length=BLOCKER_MAX_LENGTH,
        blank=True,
        help_text="Something outside Tandem that blocks it: a URL or a team's name.",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    opened_at = models.DateTimeField(editable=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True, editable=False)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    closing_note = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["project", "status"], name="flag_project_status"),
            models.Index(fields=["status", "opened_at"], name="flag_status_opened"),
            models.Index(fields=["owner", "status"], name="flag_owner_status"),
            models.Index(fields=["idea", "status"], name="flag_idea_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values), name="flag_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(severity__in=Severity.values), name="flag_severity_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=FlagStatus.values), name="flag_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(raised_in_phase__in=Phase.values), name="flag_phase_valid"
            ),
            # A closed flag says when it closed; an active one does not.
            models.CheckConstraint(
                condition=models.Q(status__in=CLOSED_STATUSES, closed_at__isnull=False)
                | models.Q(status__in=ACTIVE_STATUSES, closed_at__isnull=True),
                name="flag_closed_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("flags:flag-detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def severity_rank(self) -> int:
        return SEVERITY_RANK[self.severity]


class FlagStatusChange(models.Model):
    """One step of a flag's history: who moved it from which status to which, when, why.

    An audit record: written by the services only, never edited or deleted.
    """

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=FlagStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=FlagStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["flag", "created_at"], name="flagchange_flag_time")]

    def __str__(self) -> str:
        return f"{self.flag}: {self.from_status or '—'} → {self.to_status}"


class FlagEscalation(models.Model):
    """An escalation of an unacknowledged flag at one step (days since it opened).

    Unique per flag, opening and step: the escalation job may run twice, or in two beat
    processes at once, and each step still notifies once.
    """

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="escalations")
    opened_at = models.DateTimeField(help_text="The opening of the flag this escalation is for.")
    step_days = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["flag", "opened_at", "step_days"], name="flag_escalation_once_per_step"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.flag}: day {self.step_days}"
