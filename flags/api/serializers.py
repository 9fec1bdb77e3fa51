"""Serializers of the flags API: output shapes, and strict inputs the services receive."""

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import person_label
from core.api.serializers import StrictInput
from projects.models import Phase, Project
from research.models import Idea

from ..models import Flag, FlagStatus, Kind, Severity
from ..services import NOT_EDITABLE
from ..transitions import allowed_statuses


class FlagSerializer(serializers.ModelSerializer):
    """A flag with its project, idea and people named, whether it is overdue, and the
    statuses it may move to (from the one transition table)."""

    project_name = serializers.CharField(source="project.name", read_only=True)
    idea_title = serializers.SerializerMethodField()
    raised_by_name = serializers.SerializerMethodField()
    owner_name = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(read_only=True)
    allowed_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Flag
        fields = [
            "id",
            "project",
            "project_name",
            "idea",
            "idea_title",
            "title",
            "description",
            "kind",
            "severity",
            "status",
            "allowed_transitions",
            "overdue",
            "raised_by",
            "raised_by_name",
            "raised_in_phase",
            "owner",
            "owner_name",
            "due_date",
            "external_blocker",
            "created_at",
            "updated_at",
            "opened_at",
            "acknowledged_at",
            "acknowledged_by",
            "closed_at",
            "closed_by",
            "closing_note",
        ]
        read_only_fields = fields

    def get_idea_title(self, flag: Flag) -> str | None:
        return flag.idea.title if flag.idea_id else None

    def get_raised_by_name(self, flag: Flag) -> str | None:
        return person_label(flag.raised_by) if flag.raised_by_id else None

    def get_owner_name(self, flag: Flag) -> str | None:
        return person_label(flag.owner) if flag.owner_id else None

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=FlagStatus.choices))
    )
    def get_allowed_transitions(self, flag: Flag) -> list[str]:
        return allowed_statuses(flag.status)


def _people():
    # Anyone: the service refuses an inactive owner with its own message.
    return User.objects.all()


class FlagCreateSerializer(StrictInput):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    title = serializers.CharField(max_length=Flag.TITLE_MAX_LENGTH)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.OTHER)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MEDIUM)
    idea = serializers.PrimaryKeyRelatedField(
        queryset=Idea.objects.select_related("board"), required=False, allow_null=True
    )
    owner = serializers.PrimaryKeyRelatedField(queryset=_people(), required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    external_blocker = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=Flag.BLOCKER_MAX_LENGTH,
        help_text="Something outside Tandem that blocks the flag: an http(s) URL or a team.",
    )


class FlagUpdateSerializer(StrictInput):
    """The editable fields; naming any other (``status``, ``raised_in_phase``,
    ``project``...) is a 400 on that field saying why."""

    title = serializers.CharField(max_length=Flag.TITLE_MAX_LENGTH, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    idea = serializers.PrimaryKeyRelatedField(
        queryset=Idea.objects.select_related("board"), required=False, allow_null=True
    )
    owner = serializers.PrimaryKeyRelatedField(queryset=_people(), required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    external_blocker = serializers.CharField(
        required=False, allow_blank=True, max_length=Flag.BLOCKER_MAX_LENGTH
    )

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = {
                name: [NOT_EDITABLE.get(name, "This field cannot be changed here.")]
                for name in data
                if name not in self.fields
            }
            if unknown:
                raise serializers.ValidationError(unknown)
        return super().to_internal_value(data)


class FlagTransitionSerializer(StrictInput):
    """Move a flag: ``note`` is required to resolve, accept the risk or reopen."""

    to = serializers.ChoiceField(choices=FlagStatus.choices)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=Flag.NOTE_MAX_LENGTH,
        help_text="Required (not blank) for resolved, accepted_risk and open (reopening).",
    )
    expected_from = serializers.ChoiceField(
        choices=FlagStatus.choices,
        required=False,
        help_text="The status you saw; if the flag has moved since, the answer is 409.",
    )


class StatsQuerySerializer(serializers.Serializer):
    """Query parameters (text) of the figures; an unknown project id has no flags."""

    project = serializers.IntegerField(required=False, min_value=-(2**63), max_value=2**63 - 1)
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


class FlagDurationSummary(serializers.Serializer):
    count = serializers.IntegerField()
    median_hours = serializers.FloatField(allow_null=True)
    p90_hours = serializers.FloatField(allow_null=True)


class FlagsByPhase(serializers.Serializer):
    def get_fields(self):
        return {phase: serializers.IntegerField() for phase in Phase.values}


class FlagsRaised(serializers.Serializer):
    total = serializers.IntegerField()
    early = serializers.IntegerField(
        help_text="Raised while the project was in research or prototype."
    )
    late = serializers.IntegerField()
    early_share = serializers.FloatField(allow_null=True, help_text="early / total; null for none.")
    by_phase = FlagsByPhase()


class FlagAgeBucket(serializers.Serializer):
    age = serializers.CharField()
    count = serializers.IntegerField()


class FlagLeadTime(serializers.Serializer):
    flag = serializers.IntegerField()
    title = serializers.CharField()
    project = serializers.IntegerField()
    project_name = serializers.CharField()
    raised_in_phase = serializers.ChoiceField(choices=Phase.choices)
    days = serializers.IntegerField(
        help_text="Days from raising the flag to the project's first entry into "
        "implementation; negative when it was raised after."
    )


class FlagsPerMonth(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    early = serializers.IntegerField()
    late = serializers.IntegerField()


class FlagStatsSerializer(serializers.Serializer):
    """The early-warning figures of flags raised in a period (see ``flags.selectors``)."""

    start = serializers.DateField()
    end = serializers.DateField()
    project = serializers.IntegerField(allow_null=True)
    raised = FlagsRaised()
    to_acknowledge = FlagDurationSummary()
    to_resolve = FlagDurationSummary()
    open_by_age = FlagAgeBucket(many=True)
    lead_times = FlagLeadTime(many=True)
    median_lead_days = serializers.FloatField(allow_null=True)
    by_month = FlagsPerMonth(many=True)
