"""Serializers of the digests API."""

from rest_framework import serializers

from core.api.serializers import StrictInput
from projects.models import Project

from ..models import DigestDelivery, DigestPreference, Weekday

# Not an enum in the schema: the IANA names include aliases (GMT0, GMT-0) that client
# generators cannot tell apart. The service refuses an unknown one as a field message.
TIME_ZONE_HELP = "An IANA time zone name, e.g. Europe/Berlin or America/New_York."


class DeliverySerializer(serializers.ModelSerializer):
    """One person's digest of one week: its state (pending, sending, sent, skipped or
    failed), attempts, the last error, and what was sent."""

    state = serializers.ChoiceField(
        choices=["pending", "sending", "sent", "skipped", "failed"], read_only=True
    )
    week_label = serializers.CharField(read_only=True)

    class Meta:
        model = DigestDelivery
        fields = [
            "id",
            "user",
            "week",
            "week_label",
            "period_start",
            "period_end",
            "state",
            "attempts",
            "last_error",
            "subject",
            "recipient",
            "done_at",
            "created_at",
        ]
        read_only_fields = fields


class PreferenceSerializer(serializers.ModelSerializer):
    time_zone = serializers.CharField(help_text=TIME_ZONE_HELP)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = DigestPreference
        fields = ["enabled", "weekday", "hour", "time_zone", "muted_projects", "updated_at"]
        read_only_fields = ["updated_at"]


class PreferenceUpdateSerializer(StrictInput):
    enabled = serializers.BooleanField(required=False)
    weekday = serializers.ChoiceField(choices=Weekday.choices, required=False)
    hour = serializers.IntegerField(min_value=0, max_value=23, required=False)
    time_zone = serializers.CharField(max_length=64, required=False, help_text=TIME_ZONE_HELP)
    muted_projects = serializers.PrimaryKeyRelatedField(
        queryset=Project.objects.all(), many=True, required=False
    )


class PreviewSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    count = serializers.IntegerField()


class PreviewSerializer(serializers.Serializer):
    """This week's digest so far, as it would be mailed."""

    week = serializers.DateField()
    empty = serializers.BooleanField(help_text="True when the week has nothing: no email.")
    subject = serializers.CharField()
    text = serializers.CharField()
    html = serializers.CharField()
    sections = PreviewSectionSerializer(many=True)
