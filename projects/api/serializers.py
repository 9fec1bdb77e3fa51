"""API serializers of the projects app. They shape data; the services do the writing."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import person_label
from accounts.selectors import active_people
from core.api.serializers import StrictInput, StrictModelInput
from core.markdown import render_markdown
from projects.models import (
    MAX_ALLOCATION,
    MIN_ALLOCATION,
    Health,
    Phase,
    Project,
    Rotation,
    Takeaway,
    Target,
)
from projects.services import (
    FUTURE_PLACEHOLDER_CHOICES,
    PROJECT_EDITABLE_FIELDS,
    ROTATION_EDITABLE_FIELDS,
    TAKEAWAY_EDITABLE_FIELDS,
    TARGET_EDITABLE_FIELDS,
)
from projects.transitions import allowed_phases


class ProjectSerializer(StrictModelInput):
    """A project. ``phase`` is read-only: move it with ``POST /projects/{id}/phase/``;
    ``allowed_phases`` lists the moves the transition table allows from here."""

    product_manager = serializers.PrimaryKeyRelatedField(
        queryset=active_people(), allow_null=True, required=False
    )
    members = serializers.PrimaryKeyRelatedField(
        queryset=active_people(), many=True, required=False
    )
    allowed_phases = serializers.SerializerMethodField()
    slug = serializers.SlugField(max_length=200, required=False, allow_blank=True)
    target_count = serializers.IntegerField(read_only=True, default=0)
    team_size = serializers.IntegerField(read_only=True, default=0)
    open_demand = serializers.IntegerField(read_only=True, default=0)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            *PROJECT_EDITABLE_FIELDS,
            "phase",
            "allowed_phases",
            "target_count",
            "team_size",
            "open_demand",
            "url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["phase", "created_at", "updated_at"]
        # Uniqueness is checked by the service (full_clean) so the API and UI say the same.
        validators: list = []
        extra_kwargs = {"slug": {"validators": []}}

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Phase.choices)))
    def get_allowed_phases(self, project: Project) -> list[str]:
        return allowed_phases(project.phase)


@extend_schema_field(serializers.ChoiceField(choices=Phase.choices))
class PhaseField(serializers.CharField):
    """A phase name. Documented as the enum, but any string reaches the phase service, which
    refuses one that is not a phase or not an allowed move with the message the pages show."""


class PhaseChangeInputSerializer(StrictInput):
    """A phase transition request: ``{"to": phase, "note": ..., "override_reason": ...}``."""

    to = PhaseField(allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=5000,
        help_text="Managers: why a failing phase gate is overridden.",
    )
    expected_phase = serializers.ChoiceField(
        choices=Phase.choices,
        required=False,
        help_text="The phase you saw; if the project moved meanwhile the answer is 409.",
    )
    future_placeholders = serializers.ChoiceField(
        choices=FUTURE_PLACEHOLDER_CHOICES,
        required=False,
        allow_blank=True,
        default="",
        help_text="Releasing a project whose placeholders start later: `cancel` removes "
        "them, `keep` leaves them as demand for a next phase (required then).",
    )
    health = serializers.ChoiceField(
        choices=Health.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Set the project's health with the move (e.g. on release).",
    )


class TargetSerializer(StrictModelInput):
    """A target or ideal user scenario; appended to the end of its project's list."""

    class Meta:
        model = Target
        fields = ["id", "project", *TARGET_EDITABLE_FIELDS, "position", "created_at", "updated_at"]
        read_only_fields = ["position", "created_at", "updated_at"]


class TargetMoveSerializer(StrictInput):
    direction = serializers.ChoiceField(choices=[("up", "up"), ("down", "down")])


@extend_schema_field(
    {"type": "integer", "minimum": MIN_ALLOCATION, "maximum": MAX_ALLOCATION, "default": 100}
)
class AllocationField(serializers.IntegerField):
    """A rotation's allocation in percent; the model's range, documented, checked by the
    service."""


class RotationSerializer(StrictModelInput):
    """A rotation; without ``person`` it is a placeholder (demand to staff).

    ``planned_end`` defaults to the project's target release. ``warnings`` (on writes) lists
    over-allocation and rolling-off warnings, which do not block the write.
    """

    person = serializers.PrimaryKeyRelatedField(
        queryset=active_people(), allow_null=True, required=False
    )
    person_name = serializers.SerializerMethodField()
    # The range is the model's; the service refuses with its message (no second wording here),
    # and the schema states it from the same constants.
    allocation = AllocationField(
        required=False, help_text=Rotation._meta.get_field("allocation").help_text
    )
    is_placeholder = serializers.BooleanField(read_only=True)
    effective_end = serializers.DateField(read_only=True, allow_null=True, default=None)
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = Rotation
        fields = [
            "id",
            "project",
            *ROTATION_EDITABLE_FIELDS,
            "person_name",
            "effective_end",
            "is_placeholder",
            "takeaway_requested_at",
            "warnings",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["takeaway_requested_at", "created_at", "updated_at"]
        validators: list = []

    def get_person_name(self, rotation: Rotation) -> str | None:
        return None if rotation.person is None else person_label(rotation.person)

    def get_warnings(self, rotation: Rotation) -> list[str]:
        return self.context.get("warnings", {}).get(rotation.pk, [])


class TakeawaySerializer(StrictModelInput):
    """A takeaway; ``text`` is markdown, ``html`` its sanitised rendering. The author is you."""

    author = serializers.PrimaryKeyRelatedField(read_only=True)
    author_name = serializers.SerializerMethodField()
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, default=list
    )
    html = serializers.SerializerMethodField()

    class Meta:
        model = Takeaway
        fields = [
            "id",
            "author",
            "author_name",
            *TAKEAWAY_EDITABLE_FIELDS,
            "html",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def to_representation(self, takeaway: Takeaway) -> dict:
        data = super().to_representation(takeaway)
        data["tags"] = takeaway.tag_list
        return data

    def get_author_name(self, takeaway: Takeaway) -> str:
        return person_label(takeaway.author)

    def get_html(self, takeaway: Takeaway) -> str:
        return render_markdown(takeaway.text)


class TargetUpdateSerializer(TargetSerializer):
    """A target as edited: it stays on its project."""

    class Meta(TargetSerializer.Meta):
        read_only_fields = [*TargetSerializer.Meta.read_only_fields, "project"]


class RotationUpdateSerializer(RotationSerializer):
    """A rotation as edited: it stays on its project."""

    class Meta(RotationSerializer.Meta):
        read_only_fields = [*RotationSerializer.Meta.read_only_fields, "project"]


class PortfolioRowSerializer(serializers.ModelSerializer):
    """One portfolio row (``projects.portfolio``): the same figures as the portfolio page."""

    product_manager_name = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)
    next_phase = serializers.ChoiceField(choices=Phase.choices, allow_null=True, read_only=True)
    failing_gates = serializers.ListField(child=serializers.CharField(), read_only=True)
    team_size = serializers.IntegerField(
        read_only=True,
        help_text="Distinct people on the team now or planned: members and staffed rotations "
        "running today or starting later.",
    )
    unfilled_demand = serializers.IntegerField(
        source="open_demand",
        read_only=True,
        help_text="Placeholders running today or starting later.",
    )
    open_items = serializers.SerializerMethodField(
        help_text="Open items other apps count on the project, by kind (flags, datagaps)."
    )
    last_activity_at = serializers.DateTimeField(read_only=True, allow_null=True)
    last_activity = serializers.CharField(source="last_activity_text", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "slug",
            "url",
            "phase",
            "health",
            "product_manager",
            "product_manager_name",
            "target_release",
            "overdue",
            "next_phase",
            "failing_gates",
            "team_size",
            "unfilled_demand",
            "open_items",
            "last_activity_at",
            "last_activity",
        ]
        read_only_fields = fields

    def get_product_manager_name(self, project: Project) -> str | None:
        manager = project.product_manager
        return person_label(manager) if manager else None

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_open_items(self, project: Project) -> dict[str, int]:
        from core.registries import project_counts

        return {count.key: getattr(project, count.field) or 0 for count in project_counts()}
