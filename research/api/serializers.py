"""API serializers of the research app: shapes of input and output, no business rules.

The rules (who may write, finite values, the transition table, all-or-nothing bulk
ingestion) live in ``research.services``; these only parse and render.
"""

from datetime import UTC, datetime, time

from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import person_label
from accounts.selectors import active_people
from core.api.serializers import StrictInput, StrictModelInput
from projects.models import Project

from ..models import (
    GAIN_BAR_MAX,
    GAIN_BAR_MESSAGE,
    GAIN_BAR_MIN,
    Board,
    Direction,
    Idea,
    Maturity,
    Metric,
    Reading,
    Status,
    Task,
    TaskState,
)
from ..series import DEFAULT_POINTS, MAX_POINTS, MIN_POINTS
from ..services.readings import MAX_BULK_READINGS, MAX_ID, MAX_STEP, MIN_STEP
from ..transitions import allowed_statuses

# The range is the model's (and documented in the schema); out of it the API says what the
# service says.
# (escaped: both format the message with %-interpolation)
GAIN_BAR_PERCENT_SAFE = GAIN_BAR_MESSAGE.replace("%", "%%")
GAIN_BAR_ERRORS = {"min_value": GAIN_BAR_PERCENT_SAFE, "max_value": GAIN_BAR_PERCENT_SAFE}


class MetricSerializer(StrictModelInput):
    """A board's metric; ``best_idea``/``best_value`` name the board's leading idea on it."""

    best_idea = serializers.SerializerMethodField()
    best_value = serializers.SerializerMethodField()

    class Meta:
        model = Metric
        fields = [
            "id",
            "board",
            "name",
            "unit",
            "direction",
            "baseline",
            "target",
            "best_idea",
            "best_value",
        ]
        read_only_fields = ["id", "best_idea", "best_value"]

    def get_best_idea(self, metric: Metric) -> int | None:
        best = self.context.get("best", {}).get(metric.pk)
        return best[0] if best else None

    def get_best_value(self, metric: Metric) -> float | None:
        best = self.context.get("best", {}).get(metric.pk)
        return best[1] if best else None


class MetricUpdateSerializer(StrictInput):
    name = serializers.CharField(max_length=100, required=False)
    unit = serializers.CharField(max_length=30, required=False, allow_blank=True)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    baseline = serializers.FloatField(required=False)
    target = serializers.FloatField(required=False, allow_null=True)


class MetricInputSerializer(StrictInput):
    """A metric defined together with a new board."""

    name = serializers.CharField(max_length=100)
    unit = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.HIGHER)
    baseline = serializers.FloatField()
    target = serializers.FloatField(required=False, allow_null=True, default=None)


class BoardMetricSerializer(serializers.ModelSerializer):
    class Meta:
        model = Metric
        fields = ["id", "name", "unit", "direction", "baseline", "target"]
        read_only_fields = fields


class BoardSerializer(serializers.ModelSerializer):
    """A research question on a project, its gain bar (percent) and metrics."""

    project = serializers.SlugRelatedField(slug_field="slug", queryset=Project.objects.all())
    metrics = BoardMetricSerializer(many=True, read_only=True)

    class Meta:
        model = Board
        fields = [
            "id",
            "project",
            "title",
            "question",
            "gain_bar",
            "primary_metric",
            "metrics",
            "created_at",
        ]
        read_only_fields = ["id", "metrics", "created_at"]


class BoardCreateSerializer(StrictInput):
    """A new board; ``primary_metric`` optionally creates its primary metric at once."""

    project = serializers.SlugRelatedField(slug_field="slug", queryset=Project.objects.all())
    title = serializers.CharField(max_length=200)
    question = serializers.CharField(required=False, allow_blank=True, default="")
    gain_bar = serializers.FloatField(
        required=False,
        default=2.0,
        min_value=GAIN_BAR_MIN,
        max_value=GAIN_BAR_MAX,
        error_messages=GAIN_BAR_ERRORS,
    )
    primary_metric = MetricInputSerializer(required=False)


class BoardUpdateSerializer(StrictInput):
    title = serializers.CharField(max_length=200, required=False)
    question = serializers.CharField(required=False, allow_blank=True)
    gain_bar = serializers.FloatField(
        required=False,
        min_value=GAIN_BAR_MIN,
        max_value=GAIN_BAR_MAX,
        error_messages=GAIN_BAR_ERRORS,
    )
    primary_metric = serializers.PrimaryKeyRelatedField(
        queryset=Metric.objects.all(), required=False
    )


class ProgressSerializer(serializers.Serializer):
    """One idea's standing on one metric of its board."""

    metric = serializers.IntegerField(source="metric_id")
    metric_name = serializers.CharField()
    primary = serializers.BooleanField()
    latest = serializers.FloatField(allow_null=True)
    latest_at = serializers.DateTimeField(allow_null=True)
    past = serializers.FloatField(allow_null=True, help_text="The value as of since_days ago.")
    change = serializers.FloatField(allow_null=True, help_text="latest minus past.")
    gain_pct = serializers.FloatField(
        allow_null=True,
        help_text="Relative gain over the baseline in percent, positive when better "
        "(null when the baseline is 0 or there is no reading).",
    )
    clears_bar = serializers.BooleanField(allow_null=True)
    improved = serializers.BooleanField(allow_null=True)
    is_best = serializers.BooleanField()


class TaskSerializer(StrictModelInput):
    """An engineering task of a promoted idea."""

    class Meta:
        model = Task
        fields = [
            "id",
            "idea",
            "title",
            "owner",
            "state",
            "done",
            "due_date",
            "position",
            "created_at",
        ]
        # ``done`` on a create is parsed (so a wrong type is a 400) and ignored: a new task is
        # to do; states move with an update.
        read_only_fields = ["id", "state", "position", "created_at"]
        extra_kwargs = {"owner": {"queryset": active_people()}}


class TaskUpdateSerializer(StrictInput):
    """``state`` moves the task (to do, in progress, done); ``done`` is the short form."""

    title = serializers.CharField(max_length=200, required=False)
    owner = serializers.PrimaryKeyRelatedField(queryset=active_people(), required=False)
    state = serializers.ChoiceField(choices=TaskState.choices, required=False)
    done = serializers.BooleanField(required=False)
    due_date = serializers.DateField(required=False, allow_null=True)


class IdeaSerializer(serializers.ModelSerializer):
    """An idea with its progress on every metric of its board (see ``since_days``)."""

    owner_name = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Idea
        fields = [
            "id",
            "board",
            "title",
            "hypothesis",
            "owner",
            "owner_name",
            "status",
            "maturity",
            "position",
            "dropped_reason",
            "allowed_transitions",
            "progress",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, idea: Idea) -> dict:
        # The same fields as declared (and documented) above, written out by hand: the
        # generic field machinery costs more than the queries for a page of 100 ideas.
        return {
            "id": idea.pk,
            "board": idea.board_id,
            "title": idea.title,
            "hypothesis": idea.hypothesis,
            "owner": idea.owner_id,
            "owner_name": self.get_owner_name(idea),
            "status": idea.status,
            "maturity": idea.maturity,
            "position": idea.position,
            "dropped_reason": idea.dropped_reason,
            "allowed_transitions": self.get_allowed_transitions(idea),
            "progress": self.get_progress(idea),
            "created_at": _iso(idea.created_at),
            "updated_at": _iso(idea.updated_at),
        }

    def get_owner_name(self, idea: Idea) -> str:
        return person_label(idea.owner)

    def get_allowed_transitions(self, idea: Idea) -> list[str]:
        return allowed_statuses(idea.status)

    @extend_schema_field(ProgressSerializer(many=True))
    def get_progress(self, idea: Idea) -> list[dict]:
        # Plain dicts in ProgressSerializer's shape: a nested serializer per idea costs more
        # than the database work for a page of 100 ideas.
        rows = self.context.get("progress", {}).get(idea.pk, [])
        return [
            {
                "metric": p.metric_id,
                "metric_name": p.metric_name,
                "primary": p.primary,
                "latest": p.latest,
                "latest_at": _iso(p.latest_at) if p.latest_at else None,
                "past": p.past,
                "change": p.change,
                "gain_pct": p.gain_pct,
                "clears_bar": p.clears_bar,
                "improved": p.improved,
                "is_best": p.is_best,
            }
            for p in rows
        ]


def _iso(moment: datetime) -> str:
    """ISO 8601 in UTC ending in Z, as DRF writes times, without DRF's per-value timezone
    lookups (hundreds per idea page; they cost more than the progress query)."""
    text = moment.astimezone(UTC).isoformat()
    return f"{text[:-6]}Z" if text.endswith("+00:00") else text


class IdeaCreateSerializer(StrictInput):
    board = serializers.PrimaryKeyRelatedField(queryset=Board.objects.all())
    title = serializers.CharField(max_length=200)
    hypothesis = serializers.CharField(required=False, allow_blank=True, default="")
    owner = serializers.PrimaryKeyRelatedField(queryset=active_people(), required=False)
    maturity = serializers.ChoiceField(choices=Maturity.choices, default=Maturity.IDEA)


class IdeaUpdateSerializer(StrictInput):
    title = serializers.CharField(max_length=200, required=False)
    hypothesis = serializers.CharField(required=False, allow_blank=True)
    owner = serializers.PrimaryKeyRelatedField(queryset=active_people(), required=False)
    maturity = serializers.ChoiceField(choices=Maturity.choices, required=False)


class TransitionTaskSerializer(StrictInput):
    title = serializers.CharField(max_length=200)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=active_people(), required=False, allow_null=True
    )
    done = serializers.BooleanField(required=False, default=False)


@extend_schema_field({"$ref": "#/components/schemas/StatusEnum"})
class StatusField(serializers.ChoiceField):
    """An idea status; documented as the same ``StatusEnum`` the idea's ``status`` uses."""

    def __init__(self, **kwargs):
        super().__init__(choices=Status.choices, **kwargs)


class TransitionSerializer(StrictInput):
    """Move an idea: ``reason`` is required for ``dropped``; promoting needs ``tasks``
    unless the idea already has some, and ``confirm_below_bar`` when its gain is below the
    board's gain bar."""

    to = StatusField()
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=Idea.REASON_MAX_LENGTH,
        help_text="Why the idea moves. Required (not blank) when ``to`` is ``dropped``: "
        "without it the answer is a 400 on ``reason``.",
    )
    tasks = TransitionTaskSerializer(many=True, required=False)
    expected_from = StatusField(
        required=False,
        help_text="The status you saw; if the idea has moved since, the answer is 409.",
    )
    confirm_below_bar = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Promote although the idea's gain on the board's primary metric is below "
        "the board's gain bar. Without it such a promotion is a 400 on ``confirm_below_bar`` "
        "saying the gain and the bar; with it the status change records ``below_bar``.",
    )


class ReadingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reading
        fields = [
            "id",
            "idea",
            "metric",
            "value",
            "recorded_at",
            "note",
            "source",
            "step",
            "created_by",
        ]
        read_only_fields = fields


class ReadingCreateSerializer(StrictInput):
    """One reading. ``recorded_at`` defaults to now and may not be in the future; ``note``
    defaults to empty and ``source`` to ``api`` (give a training run id to trace it back).
    Null means the default, as does leaving a field out; a blank ``source`` too."""

    idea = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    metric = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    value = serializers.FloatField()
    recorded_at = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=Reading.NOTE_MAX_LENGTH
    )
    source = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=Reading.SOURCE_MAX_LENGTH
    )
    step = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=MIN_STEP,
        max_value=MAX_STEP,
        help_text="The training step (as MLflow logs it); leave it out for other readings.",
    )


class ReadingBatchSerializer(serializers.Serializer):
    """For the schema only: a list of 1 to ``MAX_BULK_READINGS`` readings, all or nothing
    (the view hands lists to ``services.readings_ingest``, which enforces the same)."""


class _ReadingBatchSchema(OpenApiSerializerExtension):
    """drf-spectacular states no length for a list of serializers; this one has bounds."""

    target_class = ReadingBatchSerializer

    def map_serializer(self, auto_schema, direction) -> dict:
        item = auto_schema.resolve_serializer(ReadingCreateSerializer, direction)
        return {
            "type": "array",
            "items": item.ref,
            "minItems": 1,
            "maxItems": MAX_BULK_READINGS,
        }


class FunnelSerializer(serializers.Serializer):
    """Week-end dates (the last is ``now``) and, per active status, the idea counts."""

    labels = serializers.ListField(child=serializers.CharField())
    series = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField()))


class BulkCreatedSerializer(serializers.Serializer):
    created = serializers.IntegerField()


def _messages(help_text: str = ""):
    return serializers.ListField(child=serializers.CharField(), required=False, help_text=help_text)


class ReadingErrorSerializer(serializers.Serializer):
    """What is wrong with one reading: its position and its fields' messages."""

    index = serializers.IntegerField(
        allow_null=True,
        help_text="The item's position in the list sent (from 0, as in the JSON array); "
        "null when a single object or the whole request was refused. Messages that name "
        "items count them from 1.",
    )
    non_field_errors = _messages("About the item or the request as a whole.")
    idea = _messages()
    metric = _messages()
    value = _messages()
    recorded_at = _messages()
    note = _messages()
    source = _messages()
    step = _messages()


class ReadingErrorsSerializer(serializers.Serializer):
    """Every 400 of ``POST /api/v1/readings/``: one entry per refused item, in list order."""

    errors = ReadingErrorSerializer(many=True)


# --- series -----------------------------------------------------------------------------


def _bound(raw: str, *, end: bool) -> datetime | int:
    """A series bound from the query: a step (a whole number), or a time (ISO 8601; a
    date alone means its start, or its end for ``to``; without an offset, UTC)."""
    text = raw.strip()
    if text.lstrip("-").isascii() and text.lstrip("-").isdigit():
        step = int(text)
        if not MIN_STEP <= step <= MAX_STEP:
            raise serializers.ValidationError("This step is out of range.")
        return step
    try:
        day = parse_date(text)
        moment = None if day else parse_datetime(text)
    except ValueError:
        moment = day = None
    if day is not None:
        moment = datetime.combine(day, time.max if end else time.min)
    if moment is None:
        raise serializers.ValidationError(
            "Enter a date, a date and time (ISO 8601), or a training step."
        )
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class SeriesQuerySerializer(serializers.Serializer):
    """The query of ``GET /ideas/{id}/series/``: which metric, how many points, which window."""

    metric = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    points = serializers.IntegerField(
        min_value=MIN_POINTS, max_value=MAX_POINTS, default=DEFAULT_POINTS
    )
    # "from" is a Python keyword: declared through the class namespace.
    # An empty bound (``from=``, as a form or a BI tool sends it) means no bound.
    vars()["from"] = serializers.CharField(required=False, allow_blank=True, max_length=64)
    to = serializers.CharField(required=False, allow_blank=True, max_length=64)

    def to_internal_value(self, data):
        # DRF's IntegerField takes "3.0" and non-ASCII digits; a query parameter here is
        # written with 0-9 only, as the schema's integer says.
        errors = {
            name: ["A valid integer is required."]
            for name in ("metric", "points")
            if name in data and not (str(data[name]).isascii() and str(data[name]).isdigit())
        }
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def validate_from(self, raw: str) -> datetime | int | None:
        return _bound(raw, end=False) if raw.strip() else None

    def validate_to(self, raw: str) -> datetime | int | None:
        return _bound(raw, end=True) if raw.strip() else None

    def validate(self, data: dict) -> dict:
        start, end = data.get("from"), data.get("to")
        if start is not None and end is not None:
            if isinstance(start, int) != isinstance(end, int):
                raise serializers.ValidationError(
                    {"to": ["Give both bounds as training steps, or both as times."]}
                )
            if end < start:
                raise serializers.ValidationError({"to": ["This must not be before “from”."]})
        return data


@extend_schema_field(
    {"oneOf": [{"type": "string", "format": "date-time"}, {"type": "integer", "format": "int64"}]}
)
class SeriesXField(serializers.Field):
    """A time (ISO 8601) on a time axis, a training step on a step axis."""

    def to_representation(self, value):
        return value.isoformat() if isinstance(value, datetime) else value


class SeriesPointSerializer(serializers.Serializer):
    """One point: a reading (``count`` 1, min = max = mean = its value) or a bucket of
    readings, from the first (``x``) to the last (``x_last``)."""

    x = SeriesXField()
    x_last = SeriesXField()
    min = serializers.FloatField()
    max = serializers.FloatField()
    mean = serializers.FloatField()
    count = serializers.IntegerField()


class SeriesSerializer(serializers.Serializer):
    """An idea's history of one metric: ``total`` readings in the window shown as the
    ``points``; ``downsampled`` says they are buckets (zoom in with ``from``/``to``)."""

    idea = serializers.IntegerField(source="idea_id")
    metric = serializers.IntegerField(source="metric_id")
    axis = serializers.ChoiceField(choices=["time", "step"])
    total = serializers.IntegerField()
    downsampled = serializers.BooleanField()
    first = SeriesXField(allow_null=True)
    last = SeriesXField(allow_null=True)
    points = SeriesPointSerializer(many=True)
