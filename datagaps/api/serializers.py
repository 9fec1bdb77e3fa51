"""API serializers of data-gap requests: shapes of input and output, no business rules.

The rules (who may act, the status table, reasons, cycles, dates) live in
``datagaps.services``; these only parse and render.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import person_label
from accounts.selectors import active_people
from core.api.serializers import StrictInput
from projects.models import Project
from research.models import Idea

from ..models import DataGap, Status, Urgency
from ..transitions import allowed_statuses


@extend_schema_field({"$ref": "#/components/schemas/DataGapStatusEnum"})
class StatusField(serializers.ChoiceField):
    """A request status, documented as the same enum as the request's ``status``."""

    def __init__(self, **kwargs):
        super().__init__(choices=Status.choices, **kwargs)


def _hours(delta) -> float | None:
    return None if delta is None else round(delta.total_seconds() / 3600, 1)


class DataGapSerializer(serializers.ModelSerializer):
    """A data-gap request, with its flags (overdue, snoozed, back from snooze), its time in
    triage and to delivery in hours, its links both ways (``duplicate_of``, ``duplicates``),
    its watchers and the statuses it may move to."""

    project_name = serializers.CharField(source="project.name", read_only=True)
    requester_name = serializers.SerializerMethodField()
    assignee_name = serializers.SerializerMethodField()
    duplicates = serializers.SerializerMethodField()
    watchers = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(read_only=True)
    snoozed = serializers.BooleanField(read_only=True)
    back_from_snooze = serializers.BooleanField(read_only=True)
    age_days = serializers.IntegerField(read_only=True)
    hours_to_triage = serializers.SerializerMethodField()
    hours_to_delivery = serializers.SerializerMethodField()

    class Meta:
        model = DataGap
        fields = [
            "id", "title", "data_needed", "unlocks", "project", "project_name", "idea",
            "urgency", "needed_by", "requester", "requester_name", "assignee", "assignee_name",
            "status", "allowed_transitions", "duplicate_of", "duplicates", "watchers",
            "decline_reason", "snoozed_until", "snoozed", "back_from_snooze", "overdue",
            "delivered_dataset", "delivered_location", "delivered_notes", "first_triaged_at",
            "delivered_at", "age_days", "hours_to_triage", "hours_to_delivery", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_requester_name(self, request: DataGap) -> str:
        return person_label(request.requester)

    def get_assignee_name(self, request: DataGap) -> str | None:
        return person_label(request.assignee) if request.assignee_id else None

    def get_duplicates(self, request: DataGap) -> list[int]:
        return [other.pk for other in request.duplicates.all()]

    def get_watchers(self, request: DataGap) -> list[int]:
        return [user.pk for user in request.watchers.all()]

    @extend_schema_field(serializers.ListField(child=StatusField()))
    def get_allowed_transitions(self, request: DataGap) -> list[str]:
        return allowed_statuses(request.status)

    def get_hours_to_triage(self, request: DataGap) -> float | None:
        return _hours(request.time_to_triage)

    def get_hours_to_delivery(self, request: DataGap) -> float | None:
        return _hours(request.time_to_delivery)


class DataGapCreateSerializer(StrictInput):
    """A new request, filed by the caller."""

    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    title = serializers.CharField(max_length=DataGap.TITLE_MAX_LENGTH)
    data_needed = serializers.CharField(max_length=DataGap.TEXT_MAX_LENGTH)
    unlocks = serializers.CharField(
        max_length=DataGap.TEXT_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    idea = serializers.PrimaryKeyRelatedField(
        queryset=Idea.objects.select_related("board"), required=False, allow_null=True
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    needed_by = serializers.DateField(
        required=False, allow_null=True, help_text="Today or later (a 400 otherwise)."
    )


class DataGapUpdateSerializer(StrictInput):
    """Changes to a request (not its status: see ``transition``); ``assignee`` is for data
    engineers and managers."""

    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), required=False)
    title = serializers.CharField(max_length=DataGap.TITLE_MAX_LENGTH, required=False)
    data_needed = serializers.CharField(max_length=DataGap.TEXT_MAX_LENGTH, required=False)
    unlocks = serializers.CharField(
        max_length=DataGap.TEXT_MAX_LENGTH, required=False, allow_blank=True
    )
    idea = serializers.PrimaryKeyRelatedField(
        queryset=Idea.objects.select_related("board"), required=False, allow_null=True
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    needed_by = serializers.DateField(required=False, allow_null=True)
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=active_people(), required=False, allow_null=True
    )


class DataGapTransitionSerializer(StrictInput):
    """Move a request: ``reason`` to decline, ``note`` to reopen, ``duplicate_of`` for a
    duplicate, the delivery details to deliver; ``snooze_until`` snoozes it on the way to
    an active status."""

    to = StatusField()
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=DataGap.REASON_MAX_LENGTH
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=DataGap.REASON_MAX_LENGTH
    )
    duplicate_of = serializers.PrimaryKeyRelatedField(
        queryset=DataGap.objects.all(), required=False, allow_null=True, default=None
    )
    snooze_until = serializers.DateField(required=False, allow_null=True, default=None)
    delivered_dataset = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )
    delivered_location = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )
    delivered_notes = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=DataGap.TEXT_MAX_LENGTH
    )
    expected_from = StatusField(
        required=False,
        help_text="The status you saw; if the request has moved since, the answer is 409.",
    )


class DataGapSnoozeSerializer(StrictInput):
    """Hide a request from the queue until a date after today; null wakes it now."""

    until = serializers.DateField(allow_null=True)


class SimilarSerializer(serializers.Serializer):
    """A similar earlier request, with its score (0 to 1, higher is more similar)."""

    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    status = StatusField()
    project = serializers.IntegerField(source="project_id")
    project_name = serializers.CharField(source="project.name")
    similarity = serializers.FloatField()


class _ProjectRef(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    slug = serializers.CharField()


class _PersonRef(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return person_label(user)


class _RequestRef(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    status = StatusField()
    project = serializers.IntegerField(source="project_id")
    duplicate_of = serializers.IntegerField(source="duplicate_of_id", allow_null=True)
    created_at = serializers.DateTimeField()


class RecurringGroupSerializer(serializers.Serializer):
    """Similar requests filed on several projects: how many, where, by whom, since when."""

    count = serializers.IntegerField()
    oldest = serializers.DateTimeField()
    canonical = serializers.IntegerField(source="canonical.pk")
    projects = _ProjectRef(many=True)
    requesters = _PersonRef(many=True)
    status_mix = serializers.DictField(child=serializers.IntegerField())
    requests = _RequestRef(many=True)


class _MonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM, the month the requests were filed.")
    filed = serializers.IntegerField()
    triaged = serializers.IntegerField()
    delivered = serializers.IntegerField()
    median_hours_to_triage = serializers.FloatField(allow_null=True)
    median_hours_to_delivery = serializers.FloatField(allow_null=True)


class StatsSerializer(serializers.Serializer):
    """Time in triage and to delivery per month of filing, and today's queue."""

    months = _MonthSerializer(many=True)
    untriaged = serializers.IntegerField()
    active = serializers.IntegerField()
    overdue = serializers.IntegerField()
    snoozed = serializers.IntegerField()
    sla_days = serializers.DictField(child=serializers.IntegerField())
