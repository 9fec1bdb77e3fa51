"""API serializers of the integrations app."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import StrictInput

from ..models import KEY_MAX_LENGTH, Attempt, Delivery, Endpoint, MetricAlias, Run
from ..services.webhooks import event_choices


class MlflowRunMetricSerializer(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="Null when not finite (NaN, ±inf).")
    timestamp = serializers.IntegerField(help_text="Milliseconds since the epoch.")
    step = serializers.IntegerField()


class MlflowRunSerializer(serializers.ModelSerializer):
    """An MLflow run: its idea, status, times (ms since the epoch), params and tags, and
    ``latest_metrics`` (each key's latest point) with the keys no board metric claims."""

    experiment = serializers.CharField(source="board_id", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    latest_metrics = serializers.SerializerMethodField()
    unmapped_keys = serializers.SerializerMethodField()
    params = serializers.DictField(child=serializers.CharField(), read_only=True)
    tags = serializers.DictField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Run
        fields = [
            "id", "run_id", "name", "board", "experiment", "idea", "status", "deleted",
            "start_time", "end_time", "params", "tags", "created_by", "latest_metrics",
            "unmapped_keys",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(MlflowRunMetricSerializer(many=True))
    def get_latest_metrics(self, run: Run) -> list[dict]:
        latest = self.context.get("latest", {}).get(run.pk, [])
        return [
            {
                "key": p.key,
                "value": p.value if p.value == p.value and abs(p.value) != float("inf") else None,
                "timestamp": p.timestamp,
                "step": p.step,
            }
            for p in latest
        ]

    def get_unmapped_keys(self, run: Run) -> list[str]:
        mapped = self.context.get("mapped", {}).get(run.board_id, set())
        return sorted({p.key for p in self.context.get("latest", {}).get(run.pk, [])} - mapped)


class MetricAliasSerializer(serializers.ModelSerializer):
    class Meta:
        model = MetricAlias
        fields = ["id", "board", "metric", "key", "created_at"]
        read_only_fields = fields


class MetricAliasCreateSerializer(StrictInput):
    """Map a run metric key to a board metric; the key's history becomes readings."""

    metric = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    key = serializers.CharField(max_length=KEY_MAX_LENGTH)


class WebhookEndpointSerializer(serializers.ModelSerializer):
    """A webhook endpoint; its secret is returned only when created or rotated."""

    event_types = serializers.ListField(child=serializers.CharField())
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = Endpoint
        fields = [
            "id", "url", "description", "event_types", "active", "disabled_reason", "owner",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown once: keep it safe.")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


def _event_type_field(**kwargs):
    return serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(event_choices())),
        min_length=1,
        **kwargs,
    )


class WebhookEndpointCreateSerializer(StrictInput):
    url = serializers.URLField(max_length=Endpoint.URL_MAX_LENGTH)
    description = serializers.CharField(
        max_length=Endpoint.DESCRIPTION_MAX_LENGTH, required=False, allow_blank=True
    )
    event_types = serializers.ListField(child=serializers.CharField(), min_length=1)
    active = serializers.BooleanField(required=False, default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_types"] = _event_type_field()


class WebhookEndpointUpdateSerializer(StrictInput):
    url = serializers.URLField(max_length=Endpoint.URL_MAX_LENGTH, required=False)
    description = serializers.CharField(
        max_length=Endpoint.DESCRIPTION_MAX_LENGTH, required=False, allow_blank=True
    )
    event_types = serializers.ListField(child=serializers.CharField(), required=False)
    active = serializers.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_types"] = _event_type_field(required=False)


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attempt
        fields = ["id", "status_code", "duration_ms", "error", "response_excerpt", "created_at"]
        read_only_fields = fields


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One event sent (or to be sent) to one endpoint, with every attempt, newest first."""

    attempt_log = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id", "endpoint", "message_id", "event_type", "status", "attempts",
            "next_attempt_at", "last_error", "created_at", "done_at", "attempt_log",
        ]  # fmt: skip
        read_only_fields = fields
