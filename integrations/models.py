"""Integrations: MLflow runs logged into Tandem, outgoing webhooks and their deliveries.

An MLflow *experiment* is a research board; a *run* belongs to an idea on it. Every metric
point a run logs is kept as a :class:`RunMetric` (nothing a job sends is lost); points whose
key names one of the board's metrics (by name or a :class:`MetricAlias`) also become
research readings with the run id as their source and the step kept.

A webhook :class:`Endpoint` subscribes to activity event types; each matching event writes a
:class:`Delivery` (durable work, see ``core.durable``) in the event's own transaction, and
each try of it is an :class:`Attempt`.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse

from core.durable import DurableWork

# MLflow's own limits (mlflow/utils/validation.py), so the client behaves as against MLflow.
KEY_MAX_LENGTH = 250
PARAM_VALUE_MAX_LENGTH = 6000
TAG_VALUE_MAX_LENGTH = 8000
RUN_NAME_MAX_LENGTH = 250


class RunStatus(models.TextChoices):
    """MLflow's run statuses, with MLflow's names."""

    RUNNING = "RUNNING", "Running"
    SCHEDULED = "SCHEDULED", "Scheduled"
    FINISHED = "FINISHED", "Finished"
    FAILED = "FAILED", "Failed"
    KILLED = "KILLED", "Killed"


class Run(models.Model):
    """One MLflow run: a training job's params, tags and metrics, on a board's idea.

    ``run_id`` is the 32-hex id MLflow clients know it by. ``idea`` is set by the
    ``tandem.idea`` tag (or chosen on the idea page) and then never changes; until then the
    run's metrics are kept but are not readings. ``params`` never change once logged
    (MLflow's rule); ``tags`` may. Times are milliseconds since the epoch, as MLflow sends
    them.
    """

    run_id = models.CharField(max_length=32, unique=True)
    board = models.ForeignKey("research.Board", on_delete=models.CASCADE, related_name="runs")
    idea = models.ForeignKey(
        "research.Idea", null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    name = models.CharField(max_length=RUN_NAME_MAX_LENGTH, blank=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    deleted = models.BooleanField(default=False)
    start_time = models.BigIntegerField()
    end_time = models.BigIntegerField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    tags = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mlflow_runs"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_time", "-id"]
        indexes = [
            models.Index(fields=["idea", "-start_time"], name="run_idea_newest"),
            models.Index(fields=["board", "-start_time"], name="run_board_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RunStatus.values), name="run_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.run_id

    @property
    def started(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.start_time / 1000, tz=datetime.UTC)

    @property
    def ended(self) -> datetime.datetime | None:
        if self.end_time is None:
            return None
        return datetime.datetime.fromtimestamp(self.end_time / 1000, tz=datetime.UTC)


class RunMetric(models.Model):
    """One metric point a run logged (key, value, timestamp in ms, step), mapped or not.

    Non-finite values (MLflow allows NaN and infinities) are kept here, never as readings.
    """

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="metrics")
    key = models.CharField(max_length=KEY_MAX_LENGTH)
    value = models.FloatField()
    timestamp = models.BigIntegerField()
    step = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["run_id", "key", "timestamp", "step", "id"]
        indexes = [
            models.Index(fields=["run", "key", "timestamp", "step"], name="runmetric_history"),
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value} (step {self.step})"


class MetricAlias(models.Model):
    """Another name a board's metric goes by in training jobs (e.g. ``val_auc`` for AUC).

    A run's metric key matches a board metric by its name or by one of these; ``board`` is
    the metric's board, copied so a key means one metric per board.
    """

    board = models.ForeignKey("research.Board", on_delete=models.CASCADE, related_name="+")
    metric = models.ForeignKey("research.Metric", on_delete=models.CASCADE, related_name="aliases")
    key = models.CharField(max_length=KEY_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["board_id", "key"]
        verbose_name_plural = "metric aliases"
        constraints = [
            models.UniqueConstraint(fields=["board", "key"], name="metricalias_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.metric_id}"


class Endpoint(models.Model):
    """A URL that receives signed webhooks for the event types it subscribes to.

    ``secret`` is shown once, when created or rotated; during a rotation ``previous_secret``
    still signs too (both signatures are sent) until ``previous_secret_expires_at``.
    An endpoint answering 410, or failing every attempt of a delivery, is deactivated with
    ``disabled_reason`` and its owner told.
    """

    URL_MAX_LENGTH = 2000
    DESCRIPTION_MAX_LENGTH = 500

    url = models.URLField(max_length=URL_MAX_LENGTH)
    description = models.CharField(max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    event_types = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    secret = models.CharField(max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="webhook_endpoints"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.url

    def get_absolute_url(self) -> str:
        return reverse("integrations:endpoint-detail", kwargs={"pk": self.pk})


class Delivery(DurableWork):
    """One event to deliver to one endpoint: durable work, retried over about three days.

    ``message_id`` is the ``webhook-id`` header, the same on every attempt and redelivery, so
    a receiver can drop duplicates; ``body`` is the exact JSON sent each time.
    """

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=40, unique=True)
    event_type = models.CharField(max_length=64)
    body = models.TextField()
    activity = models.ForeignKey(
        "activity.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Standard Webhooks' suggested schedule: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
    # 10 h, 24 h, 24 h (about three days in all) before giving up.
    SCHEDULE = [
        datetime.timedelta(seconds=5),
        datetime.timedelta(minutes=5),
        datetime.timedelta(minutes=30),
        datetime.timedelta(hours=2),
        datetime.timedelta(hours=5),
        datetime.timedelta(hours=10),
        datetime.timedelta(hours=10),
        datetime.timedelta(hours=24),
        datetime.timedelta(hours=24),
    ]
    max_attempts = len(SCHEDULE) + 1
    # A send is bounded by WEBHOOK_TIMEOUT_SECONDS; a claim older than this was abandoned.
    claim_timeout = datetime.timedelta(minutes=10)

    class Meta(DurableWork.Meta):
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.status})"

    @classmethod
    def backoff(cls, attempts: int) -> datetime.timedelta:
        """The wait after the ``attempts``-th failed attempt, from :attr:`SCHEDULE`."""
        return cls.SCHEDULE[min(max(attempts - 1, 0), len(cls.SCHEDULE) - 1)]


class Attempt(models.Model):
    """One try at sending a delivery: what came back, how long it took, or what failed."""

    EXCERPT_MAX_LENGTH = 1000

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.CharField(max_length=EXCERPT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
