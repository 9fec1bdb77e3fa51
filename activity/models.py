"""The activity log: who did what to which object, when, as a fixed set of event types."""

from django.conf import settings
from django.db import models


class EventType(models.TextChoices):
    """Every kind of event Tandem records. Part of the API contract: digests and webhooks
    subscribe to these values, and the OpenAPI schema lists them. Add, never rename.

    The label is the phrase a timeline shows after the actor's name.
    """

    PROJECT_CREATED = "project.created", "created project"
    PROJECT_UPDATED = "project.updated", "updated project"
    PROJECT_PHASE_CHANGED = "project.phase_changed", "changed phase"
    TARGET_CREATED = "target.created", "added target"
    TARGET_UPDATED = "target.updated", "updated target"
    TARGET_DELETED = "target.deleted", "removed target"
    TARGETS_REORDERED = "target.reordered", "reordered targets"
    ROTATION_CREATED = "rotation.created", "added rotation"
    PLACEHOLDER_CREATED = "rotation.placeholder_created", "added placeholder"
    PLACEHOLDER_FILLED = "rotation.placeholder_filled", "filled placeholder"
    ROTATION_UPDATED = "rotation.updated", "updated rotation"
    ROTATION_DELETED = "rotation.deleted", "removed rotation"
    ROTATION_ENDED = "rotation.ended", "ended rotation"
    TAKEAWAY_REQUESTED = "rotation.takeaway_requested", "asked for a takeaway"
    TAKEAWAY_CREATED = "takeaway.created", "shared takeaway"
    TAKEAWAY_UPDATED = "takeaway.updated", "updated takeaway"
    TAKEAWAY_DELETED = "takeaway.deleted", "deleted takeaway"
    TOKEN_CREATED = "token.created", "created an API token"
    TOKEN_REVOKED = "token.revoked", "revoked an API token"
    PROFILE_UPDATED = "profile.updated", "changed the role or discipline of"
    BOARD_CREATED = "board.created", "created board"
    BOARD_UPDATED = "board.updated", "changed board"
    METRIC_CREATED = "metric.created", "added metric"
    METRIC_UPDATED = "metric.updated", "changed metric"
    IDEA_CREATED = "idea.created", "proposed idea"
    IDEA_UPDATED = "idea.updated", "edited idea"
    IDEA_MOVED = "idea.moved", "moved idea"
    IDEA_PROMOTED = "idea.promoted", "promoted idea"
    IDEA_REORDERED = "idea.reordered", "reordered idea"
    TASK_CREATED = "task.created", "added task"
    TASK_UPDATED = "task.updated", "changed task"
    TASK_COMPLETED = "task.completed", "completed task"
    READING_CREATED = "reading.created", "recorded a reading"
    READINGS_RECORDED = "reading.bulk_recorded", "recorded readings"
    READING_DELETED = "reading.deleted", "deleted a reading"
    DATAGAP_FILED = "datagap.filed", "filed data gap"
    DATAGAP_UPDATED = "datagap.updated", "edited data gap"
    DATAGAP_ASSIGNED = "datagap.assigned", "assigned data gap"
    DATAGAP_TRIAGED = "datagap.triaged", "triaged data gap"
    DATAGAP_STARTED = "datagap.started", "started work on data gap"
    DATAGAP_DELIVERED = "datagap.delivered", "delivered data gap"
    DATAGAP_DECLINED = "datagap.declined", "declined data gap"
    DATAGAP_DUPLICATED = "datagap.duplicated", "marked as a duplicate"
    DATAGAP_REOPENED = "datagap.reopened", "reopened data gap"
    DATAGAP_SNOOZED = "datagap.snoozed", "snoozed data gap"
    DATAGAP_WATCHED = "datagap.watched", "started watching data gap"
    DATAGAP_UNWATCHED = "datagap.unwatched", "stopped watching data gap"
    FLAG_RAISED = "flag.raised", "raised flag"
    FLAG_UPDATED = "flag.updated", "edited flag"
    FLAG_ACKNOWLEDGED = "flag.acknowledged", "acknowledged flag"
    FLAG_RESOLVED = "flag.resolved", "resolved flag"
    FLAG_RISK_ACCEPTED = "flag.risk_accepted", "accepted the risk of flag"
    FLAG_REOPENED = "flag.reopened", "reopened flag"
    FLAG_ESCALATED = "flag.escalated", "escalated flag"
    RUN_KEY_MAPPED = "run.key_mapped", "mapped a run metric key on board"
    WEBHOOK_CREATED = "webhook.created", "registered webhook endpoint"
    WEBHOOK_UPDATED = "webhook.updated", "changed webhook endpoint"
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated", "rotated the secret of webhook endpoint"
    WEBHOOK_DISABLED = "webhook.disabled", "disabled webhook endpoint"


class Activity(models.Model):
    """One event of the activity log: ``actor`` did ``event`` to ``target`` (in ``project``).

    Written only by :func:`activity.services.activity_record`, in the same transaction as the
    change it records. Feeds the project timeline, the API, digests and webhooks.
    ``target_repr`` keeps the object's name readable after the object itself is gone. It is
    an audit record: nothing edits or deletes it (the admin is read-only).

    ``data`` is the event's own; the timeline reads a few common keys from it: ``from`` and
    ``to`` (choice keys), ``note``, ``override_reason``, and ``marker``, a short sentence
    the recording app writes for the timeline to show as it stands ("Promoted below the
    gain bar: +2.5 % against a bar of 5 %").
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.CharField(max_length=64, choices=EventType.choices)
    target_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.SET_NULL
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target_repr = models.CharField(max_length=300, blank=True)
    # A lazy reference: the log scopes events to a project without importing the projects app.
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
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
        constraints = [
            models.CheckConstraint(
                condition=models.Q(event__in=EventType.values), name="activity_event_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.get_event_display()} {self.target_repr}"
