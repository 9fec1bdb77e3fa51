"""API serializers of the activity log."""

from rest_framework import serializers

from accounts.models import person_label
from activity.models import Activity


class ActivitySerializer(serializers.ModelSerializer):
    """One event of the activity log; ``event`` is one of a fixed set of event types."""

    actor_name = serializers.SerializerMethodField()
    target_type = serializers.SerializerMethodField()
    summary = serializers.CharField(source="get_event_display", read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "actor",
            "actor_name",
            "event",
            "summary",
            "target_type",
            "target_id",
            "target_repr",
            "project",
            "data",
            "created_at",
        ]
        read_only_fields = fields

    def get_actor_name(self, activity: Activity) -> str | None:
        return None if activity.actor is None else person_label(activity.actor)

    def get_target_type(self, activity: Activity) -> str | None:
        return activity.target_type.model if activity.target_type else None
