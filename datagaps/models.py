"""Data-gap requests: data scientists ask data engineers for data that does not exist yet.

Every write goes through ``datagaps.services``; ``DataGap.status`` in particular is written
only by ``services.datagap_transition``, which follows ``datagaps.transitions``.

The full-text and trigram indexes that keep "similar requests" fast are PostgreSQL-only and
live in migration 0002 (guarded by vendor), not in ``Meta``: SQLite has neither.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class Urgency(models.TextChoices):
    """How much a request blocks; each has its own SLA (``settings.DATAGAP_SLA_DAYS``)."""

    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    BLOCKING = "blocking", "Blocking"


# Most urgent first: the queue sorts by this rank.
URGENCY_RANK = {Urgency.BLOCKING: 4, Urgency.HIGH: 3, Urgency.NORMAL: 2, Urgency.LOW: 1}


class Status(models.TextChoices):
    """A request's place in the data engineers' workflow; ``datagaps.transitions`` says
    which moves exist."""

    OPEN = "open", "Open"
    TRIAGED = "triaged", "Triaged"
    IN_PROGRESS = "in_progress", "In progress"
    DELIVERED = "delivered", "Delivered"
    DECLINED = "declined", "Declined"
    DUPLICATE = "duplicate", "Duplicate"


# Still to be worked on: these show in the queue and can be overdue.
ACTIVE_STATUSES = (Status.OPEN, Status.TRIAGED, Status.IN_PROGRESS)
CLOSED_STATUSES = (Status.DELIVERED, Status.DECLINED, Status.DUPLICATE)


class DataGap(models.Model):
    """A request for data that does not exist yet: what is needed, what it would unlock.

    ``status`` changes only through ``services.datagap_transition``. A declined request
    keeps its ``decline_reason``; a duplicate points at its canonical request
    (``duplicate_of``, never itself, never a cycle: the service follows the chain); a
    delivered one says what was delivered. ``first_triaged_at`` and ``delivered_at`` are
    set once, by the transition service, for the time-in-triage figures. A request with
    ``snoozed_until`` after today is hidden from the queue; from that day on it shows on top,
    marked back from snooze, until someone moves it.
    """

    TITLE_MAX_LENGTH = 200
    TEXT_MAX_LENGTH = 20_000
    REASON_MAX_LENGTH = 2000

    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    data_needed = models.TextField(
        help_text="The data you need (markdown): source, grain, fields, history, freshness."
    )
    unlocks = models.TextField(blank=True, help_text="What it would unlock: the feature or study.")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="data_gaps"
    )
    idea = models.ForeignKey(
        "research.Idea",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_gaps",
    )
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    needed_by = models.DateField(null=True, blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_gaps_requested"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_gaps_assigned",
    )
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="data_gaps_watched"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    decline_reason = models.TextField(blank=True)
    snoozed_until = models.DateField(null=True, blank=True)
    delivered_dataset = models.CharField(max_length=200, blank=True)
    delivered_location = models.CharField(max_length=500, blank=True)
    delivered_notes = models.TextField(blank=True)
    first_triaged_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="datagap_status_time"),
            models.Index(fields=["assignee", "status"], name="datagap_assignee_status"),
            models.Index(fields=["requester", "status"], name="datagap_requester_status"),
            models.Index(fields=["project", "status"], name="datagap_project_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="datagap_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(urgency__in=Urgency.values), name="datagap_urgency_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=Status.DECLINED) | ~models.Q(decline_reason=""),
                name="datagap_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=(models.Q(status=Status.DUPLICATE) & models.Q(duplicate_of__isnull=False))
                | (~models.Q(status=Status.DUPLICATE) & models.Q(duplicate_of__isnull=True)),
                name="datagap_duplicate_has_canonical",
            ),
            models.CheckConstraint(
                condition=~models.Q(duplicate_of=models.F("pk")),
                name="datagap_not_duplicate_of_itself",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=Status.DELIVERED)
                | (~models.Q(delivered_dataset="") & models.Q(delivered_at__isnull=False)),
                name="datagap_delivered_says_what",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}" if self.pk else self.title

    def get_absolute_url(self) -> str:
        return reverse("datagaps:detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def age_days(self) -> int:
        """Whole days since it was filed (today counts as day 0)."""
        return (timezone.localdate() - timezone.localtime(self.created_at).date()).days

    @property
    def time_to_triage(self):
        """Filing to first triage (a timedelta), or ``None`` when never triaged."""
        return self.first_triaged_at - self.created_at if self.first_triaged_at else None

    @property
    def time_to_delivery(self):
        """Filing to delivery (a timedelta), or ``None`` when not delivered."""
        return self.delivered_at - self.created_at if self.delivered_at else None


class DataGapStatusChange(models.Model):
    """One recorded move of a request between statuses (who, when, from, to, note).

    Filing records a change with an empty ``from_status``. An audit record: the admin only
    shows it.
    """

    request = models.ForeignKey(DataGap, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.request}: {self.from_status or '∅'} → {self.to_status}"
