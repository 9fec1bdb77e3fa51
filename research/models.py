"""Research models: boards, metrics, ideas, their status changes, readings and tasks.

Every write goes through ``research.services``; ``Idea.status`` in particular is written
only by ``services.idea_transition``, which follows ``research.transitions``.
"""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.text import percent


class Direction(models.TextChoices):
    """Which way a metric improves."""

    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Status(models.TextChoices):
    """An idea's place in the research funnel; ``research.transitions`` says which moves exist."""

    PROPOSED = "proposed", "Proposed"
    EXPLORING = "exploring", "Exploring"
    PROTOTYPING = "prototyping", "Prototyping"
    SHORTLISTED = "shortlisted", "Shortlisted"
    PROMOTED = "promoted", "Promoted"
    DROPPED = "dropped", "Dropped"


# The statuses that count as "still in the running" for the funnel, in board order.
ACTIVE_STATUSES = [
    Status.PROPOSED,
    Status.EXPLORING,
    Status.PROTOTYPING,
    Status.SHORTLISTED,
    Status.PROMOTED,
]


class Maturity(models.TextChoices):
    """How far an idea's evidence goes: a notebook that performs well is not ready to ship."""

    IDEA = "idea", "Idea"
    NOTEBOOK = "notebook", "Notebook prototype"
    OFFLINE = "offline", "Offline validated"
    AB_TESTED = "ab_tested", "A/B tested"
    PRODUCTION = "production", "In production"


# A board's gain bar, in percent: the constraint, the services, the form and the
# serializer all read these. 0 % means any improvement justifies a change; 100 % asks for an
# improvement as large as the baseline itself (double it, or for lower-is-better reach 0):
# beyond that a bar is a typo (20 for 0.2 read as 2,000 %), not a policy.
GAIN_BAR_MIN = 0
GAIN_BAR_MAX = 100
GAIN_BAR_MESSAGE = (
    f"Enter a gain bar from {GAIN_BAR_MIN} to {GAIN_BAR_MAX} %: {GAIN_BAR_MIN} % means any "
    f"improvement over the baseline is enough, {GAIN_BAR_MAX} % asks for an improvement as "
    "large as the baseline itself."
)


class Board(models.Model):
    """A research question on a project, with the gain bar ideas must clear to ship.

    ``gain_bar`` is a percentage: the minimum relative improvement over the baseline of the
    primary metric that justifies changing the production model (2.0 means 2 %), between
    ``GAIN_BAR_MIN`` and ``GAIN_BAR_MAX`` (the services refuse others with a field message;
    a check constraint keeps them out of the table).
    """

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="boards")
    title = models.CharField(max_length=200)
    question = models.TextField(blank=True, help_text="The research question this board answers.")
    gain_bar = models.FloatField(
        default=2.0,
        help_text="Minimum relative improvement over the baseline, in percent, "
        "that justifies a production model change.",
    )
    primary_metric = models.ForeignKey(
        "Metric", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project_id", "title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "title"], name="board_title_unique"),
            models.CheckConstraint(
                condition=models.Q(gain_bar__gte=GAIN_BAR_MIN)
                & models.Q(gain_bar__lte=GAIN_BAR_MAX),
                name="board_gain_bar_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("research:board-detail", kwargs={"pk": self.pk})


class Metric(models.Model):
    """A measure ideas on a board are judged by, against a baseline and an optional target.

    The baseline is what production (or the first MVP) achieves today; the target, when
    set, lies strictly on the better side of it for the metric's direction.
    """

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(max_length=100)
    unit = models.CharField(max_length=30, blank=True)
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    baseline = models.FloatField()
    target = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["board_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["board", "name"], name="metric_name_unique"),
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values), name="metric_direction_valid"
            ),
            # A target is an improvement on the baseline, strictly (see services.metric_target).
            models.CheckConstraint(
                condition=models.Q(target__isnull=True)
                | (models.Q(direction=Direction.HIGHER) & models.Q(target__gt=models.F("baseline")))
                | (models.Q(direction=Direction.LOWER) & models.Q(target__lt=models.F("baseline"))),
                name="metric_target_beyond_baseline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})" if self.unit else self.name

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.HIGHER


class Idea(models.Model):
    """Something to try on a board: a hypothesis with an owner, a status and a maturity.

    ``status`` changes only through ``services.idea_transition``; ``position`` orders the
    cards within a status column and is unique there (the services assign it under a lock).
    A drop reason holds at most ``REASON_MAX_LENGTH`` characters.
    """

    REASON_MAX_LENGTH = 2000

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="ideas")
    title = models.CharField(max_length=200)
    hypothesis = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="research_ideas"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    maturity = models.CharField(max_length=16, choices=Maturity.choices, default=Maturity.IDEA)
    position = models.PositiveIntegerField(default=0)
    dropped_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["board_id", "position", "id"]
        constraints = [
            # One card per place in a column; its unique index also serves the column scans.
            # Deferred to commit, so a reorder can renumber a column through swaps.
            models.UniqueConstraint(
                fields=["board", "status", "position"],
                name="idea_position_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="idea_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(maturity__in=Maturity.values), name="idea_maturity_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=Status.DROPPED) | ~models.Q(dropped_reason=""),
                name="idea_dropped_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("research:idea-detail", kwargs={"pk": self.pk})


class IdeaStatusChange(models.Model):
    """One recorded move of an idea between statuses; the funnel is computed from these.

    Creating an idea records a change with an empty ``from_status``. ``board`` is copied
    from the idea so the funnel reads one board's changes with one index scan.
    """

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    # A promotion the promoter confirmed although the idea's gain on the primary metric was
    # below the board's gain bar: the figures as they stood at that moment.
    below_bar = models.BooleanField(default=False)
    gain_pct = models.FloatField(null=True, blank=True)
    gain_bar = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["board", "created_at"], name="ideachange_board_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(below_bar=False)
                | (
                    models.Q(to_status=Status.PROMOTED)
                    & models.Q(gain_pct__isnull=False)
                    & models.Q(gain_bar__isnull=False)
                ),
                name="ideachange_below_bar_is_a_promotion",
            )
        ]

    def __str__(self) -> str:
        return f"{self.idea}: {self.from_status or '∅'} → {self.to_status}"

    @property
    def below_bar_note(self) -> str:
        """ "+2.5 % against a bar of 5 %" for a promotion below the bar, else ""."""
        return below_bar_note(self.gain_pct, self.gain_bar) if self.below_bar else ""


def below_bar_note(gain_pct: float, gain_bar: float) -> str:
    """The figures of a promotion below the gain bar, in the words every page uses."""
    return f"{percent(gain_pct, signed=True, below=gain_bar)} against a bar of {gain_bar:g} %"


class Reading(models.Model):
    """One measured value of a metric for an idea at a point in time.

    ``source`` is ``manual`` (typed in the UI), ``api``, or a run id the caller gives;
    ``step`` is the training step a job logged it at (MLflow's step), empty otherwise.
    The composite index (idea, metric, recorded_at) serves "latest value" and "value as
    of N days ago" with one backward index probe each, however many readings there are;
    (idea, recorded_at, id) serves the idea's readings table, a page at a time.
    """

    SOURCE_MANUAL = "manual"
    SOURCE_API = "api"
    NOTE_MAX_LENGTH = 500
    SOURCE_MAX_LENGTH = 100

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="readings")
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="readings")
    value = models.FloatField()
    recorded_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=NOTE_MAX_LENGTH, blank=True)
    source = models.CharField(max_length=SOURCE_MAX_LENGTH, default=SOURCE_MANUAL)
    step = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [
            models.Index(fields=["idea", "metric", "recorded_at"], name="reading_idea_metric_time"),
            # The idea's readings table pages newest first through all of an idea's readings
            # (keyset on recorded_at, id): without it each page sorted every reading.
            models.Index(fields=["idea", "recorded_at", "id"], name="reading_idea_time"),
        ]

    def __str__(self) -> str:
        return f"{self.metric.name}={self.value} @ {self.recorded_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        if not math.isfinite(self.value):
            raise ValidationError({"value": "Enter a finite number."})


class TaskState(models.TextChoices):
    """Where an engineering task stands; ``research.transitions.TASK_TRANSITIONS`` says which
    moves are allowed."""

    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class Task(models.Model):
    """An engineering task a promoted idea breaks down into, claimed and worked by engineers.

    ``state`` is written only by ``services.task_update``; ``done`` is kept equal to
    "``state`` is done" (a database constraint), for the readers that only ask whether a
    task is finished.
    """

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="research_tasks",
    )
    state = models.CharField(max_length=16, choices=TaskState.choices, default=TaskState.TODO)
    done = models.BooleanField(default=False)
    due_date = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["idea_id", "position", "id"]
        indexes = [models.Index(fields=["owner", "state"], name="task_owner_state")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=TaskState.values), name="task_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(done=True, state=TaskState.DONE)
                | (models.Q(done=False) & ~models.Q(state=TaskState.DONE)),
                name="task_done_matches_state",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        """A new task made with only one of ``done`` and ``state`` saying done is done (the
        constraint keeps them equal; changes go through ``services.task_update``)."""
        if self._state.adding and (self.done or self.state == TaskState.DONE):
            self.done, self.state = True, TaskState.DONE
        super().save(*args, **kwargs)
