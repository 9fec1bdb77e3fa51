"""API views of the integrations app: runs, metric aliases, webhook endpoints and their
deliveries, CSV exports. Thin adapters over selectors and services."""

import django_filters
from django.core.exceptions import ValidationError
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, permissions, renderers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.exceptions import ErrorSerializer, ValidationErrorSerializer
from core.api.views import ERRORS_ONE, ERRORS_READ, ERRORS_WRITE, ID, LOOKUP_ANY
from core.filters import IdFilter
from datagaps import selectors as datagap_selectors
from datagaps.filters import DataGapFilter
from research import selectors as research_selectors
from research.permissions import require_manage_boards
from research.selectors import MAX_SINCE_DAYS

from .. import exports, selectors
from ..services import runs as run_services
from ..services import webhooks as services
from . import serializers as s

ERRORS_CREATE = {k: v for k, v in ERRORS_WRITE.items() if k != 404}


class RunFilter(django_filters.FilterSet):
    idea = IdFilter(field_name="idea_id")
    board = IdFilter(field_name="board_id")
    status = django_filters.ChoiceFilter(
        choices=[(v, v) for v in ("RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED")]
    )


@extend_schema_view(
    list=extend_schema(
        summary="List MLflow runs, newest first",
        description="Filter by ``idea``, ``board`` (the MLflow experiment) or ``status``.",
        responses={200: s.MlflowRunSerializer(many=True), **ERRORS_READ},
    ),
    retrieve=extend_schema(
        parameters=[*ID],
        summary="An MLflow run",
        responses={200: s.MlflowRunSerializer, **ERRORS_ONE},
    ),
)
class RunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Runs training jobs logged through the MLflow endpoint (``/mlflow``), on their ideas."""

    serializer_class = s.MlflowRunSerializer
    filterset_class = RunFilter
    lookup_value_regex = LOOKUP_ANY

    def get_queryset(self):
        return selectors.run_list()

    def get_object(self):
        try:
            pk = int(self.kwargs["pk"])
        except ValueError:
            raise Http404 from None
        if not 1 <= pk < 2**63:
            raise Http404
        return super().get_object()

    def get_serializer(self, *args, **kwargs):
        runs = args[0] if args else None
        runs = list(runs) if isinstance(runs, list | tuple) else [runs] if runs else []
        runs = [run for run in runs if run is not None]
        context = self.get_serializer_context()
        context["latest"] = selectors.latest_metrics([run.pk for run in runs])
        context["mapped"] = {
            board_id: selectors.mapped_keys(board_id) for board_id in {r.board_id for r in runs}
        }
        kwargs["context"] = context
        return self.get_serializer_class()(*args, **kwargs)


class MetricAliasFilter(django_filters.FilterSet):
    board = IdFilter(field_name="board_id")
    metric = IdFilter(field_name="metric_id")


@extend_schema_view(
    list=extend_schema(
        summary="List metric aliases (run keys mapped to board metrics)",
        responses={200: s.MetricAliasSerializer(many=True), **ERRORS_READ},
    ),
)
class MetricAliasViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Other names board metrics go by in training jobs; managers map them."""

    serializer_class = s.MetricAliasSerializer
    filterset_class = MetricAliasFilter

    def get_queryset(self):
        return selectors.metric_alias_list()

    @extend_schema(
        summary="Map a run key to a board metric",
        description="Managers. Every run on an idea of the metric's board that logged the "
        "key gets its history as readings at once.",
        request=s.MetricAliasCreateSerializer,
        responses={201: s.MetricAliasSerializer, **ERRORS_CREATE},
    )
    def create(self, request: Request) -> Response:
        require_manage_boards(request.user)
        serializer = s.MetricAliasCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        metric = research_selectors.metric_list().filter(pk=serializer.validated_data["metric"])
        metric = metric.select_related("board__project").first()
        if metric is None:
            raise ValidationError({"metric": "No such metric."})
        alias = run_services.metric_alias_create(
            metric=metric, key=serializer.validated_data["key"], actor=request.user
        )
        return Response(s.MetricAliasSerializer(alias).data, status=201)


class _AdminOnly(viewsets.GenericViewSet):
    lookup_value_regex = LOOKUP_ANY

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        services.require_manage_webhooks(request.user)

    def get_object(self):
        try:
            pk = int(self.kwargs["pk"])
        except ValueError:
            raise Http404 from None
        if not 1 <= pk < 2**63:
            raise Http404
        return super().get_object()


@extend_schema_view(
    list=extend_schema(
        summary="List webhook endpoints (admins)",
        responses={200: s.WebhookEndpointSerializer(many=True), **ERRORS_READ},
    ),
    retrieve=extend_schema(
        parameters=[*ID],
        summary="A webhook endpoint (admins)",
        responses={200: s.WebhookEndpointSerializer, **ERRORS_ONE},
    ),
)
class EndpointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _AdminOnly):
    """Webhook endpoints: Standard Webhooks signed POSTs for the event types subscribed."""

    serializer_class = s.WebhookEndpointSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.endpoint_detail().order_by("-created_at", "-id")

    @extend_schema(
        summary="Register a webhook endpoint (admins); the secret is shown this once",
        request=s.WebhookEndpointCreateSerializer,
        responses={201: s.WebhookEndpointWithSecretSerializer, **ERRORS_CREATE},
    )
    def create(self, request: Request) -> Response:
        serializer = s.WebhookEndpointCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.endpoint_create(actor=request.user, **serializer.validated_data)
        return Response(s.WebhookEndpointWithSecretSerializer(endpoint).data, status=201)

    @extend_schema(
        parameters=[*ID],
        summary="Change a webhook endpoint (admins)",
        request=s.WebhookEndpointUpdateSerializer,
        responses={200: s.WebhookEndpointSerializer, **ERRORS_WRITE},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        endpoint = self.get_object()
        serializer = s.WebhookEndpointUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = services.endpoint_update(
            endpoint=endpoint, actor=request.user, **serializer.validated_data
        )
        return Response(s.WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        parameters=[*ID],
        request=None,
        summary="Rotate the signing secret; the old one signs too for 24 hours",
        responses={200: s.WebhookEndpointWithSecretSerializer, **ERRORS_ONE},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk=None) -> Response:
        endpoint = services.endpoint_rotate_secret(endpoint=self.get_object(), actor=request.user)
        return Response(s.WebhookEndpointWithSecretSerializer(endpoint).data)

    @extend_schema(
        parameters=[*ID],
        request=None,
        summary="Send a test event to the endpoint",
        responses={201: s.WebhookDeliverySerializer, **ERRORS_ONE},
    )
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk=None) -> Response:
        delivery = services.endpoint_send_test(endpoint=self.get_object(), actor=request.user)
        return Response(
            s.WebhookDeliverySerializer(selectors.delivery_list().get(pk=delivery.pk)).data, 201
        )


class DeliveryFilter(django_filters.FilterSet):
    endpoint = IdFilter(field_name="endpoint_id")
    status = django_filters.ChoiceFilter(
        choices=[(v, v) for v in ("pending", "sending", "done", "failed")]
    )


@extend_schema_view(
    list=extend_schema(
        summary="List webhook deliveries with their attempts, newest first (admins)",
        responses={200: s.WebhookDeliverySerializer(many=True), **ERRORS_READ},
    ),
    retrieve=extend_schema(
        parameters=[*ID],
        summary="A webhook delivery (admins)",
        responses={200: s.WebhookDeliverySerializer, **ERRORS_ONE},
    ),
)
class DeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _AdminOnly):
    serializer_class = s.WebhookDeliverySerializer
    filterset_class = DeliveryFilter

    def get_queryset(self):
        return selectors.delivery_list().order_by("-created_at", "-id")

    @extend_schema(
        parameters=[*ID],
        request=None,
        summary="Send a delivery again, with the same webhook-id (admins)",
        responses={
            200: s.WebhookDeliverySerializer,
            **ERRORS_WRITE,
        },
    )
    @action(detail=True, methods=["post"])
    def redeliver(self, request: Request, pk=None) -> Response:
        delivery = services.delivery_redeliver(delivery=self.get_object(), actor=request.user)
        return Response(
            s.WebhookDeliverySerializer(selectors.delivery_list().get(pk=delivery.pk)).data
        )


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else str(data or "").encode()


CSV_RESPONSES = {
    (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The CSV file."),
    (400, "application/json"): OpenApiResponse(
        ValidationErrorSerializer, description="Invalid parameter."
    ),
    (401, "application/json"): OpenApiResponse(ErrorSerializer, description="Not signed in."),
    (403, "application/json"): OpenApiResponse(ErrorSerializer, description="Not allowed."),
    (404, "application/json"): OpenApiResponse(ErrorSerializer, description="No such object."),
}


class _CSVExport(APIView):
    renderer_classes = [renderers.JSONRenderer, CSVRenderer]
    permission_classes = [permissions.IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        fmt = request.query_params.get("format")
        if fmt is not None and fmt not in ("csv", "json"):
            raise ValidationError({"format": "Leave format out, or choose csv or json."})
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc):
        # Errors are JSON, whatever format was asked for: only the file itself is CSV.
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)

    @staticmethod
    def _pk(raw) -> int:
        try:
            pk = int(raw)
        except ValueError:
            raise Http404 from None
        if not 1 <= pk < 2**63:
            raise Http404
        return pk


class IdeaReadingsExport(_CSVExport):
    @extend_schema(
        operation_id="exports_idea_readings",
        parameters=[*ID],
        summary="An idea's readings as CSV, oldest first (streamed)",
        responses=CSV_RESPONSES,
    )
    def get(self, request: Request, id: str):
        idea = research_selectors.idea_with_board().filter(pk=self._pk(id)).first()
        if idea is None:
            raise Http404
        return exports.idea_readings_response(idea)


class BoardIdeasExport(_CSVExport):
    @extend_schema(
        operation_id="exports_board_ideas",
        parameters=[
            *ID,
            OpenApiParameter(
                "since",
                {"type": "integer", "minimum": 1, "maximum": MAX_SINCE_DAYS},
                description="Change since this many days ago (default 7).",
            ),
        ],
        summary="A board's ideas with their progress on each metric, as CSV (streamed)",
        responses=CSV_RESPONSES,
    )
    def get(self, request: Request, id: str):
        board = research_selectors.board_detail().filter(pk=self._pk(id)).first()
        if board is None:
            raise Http404
        raw = request.query_params.get("since")
        if raw is not None and (not raw.isdigit() or not 1 <= int(raw) <= MAX_SINCE_DAYS):
            raise ValidationError(
                {"since": f"Enter a whole number of days from 1 to {MAX_SINCE_DAYS}."}
            )
        return exports.board_ideas_response(board, since_days=raw)


class DataGapQueueExport(_CSVExport, generics.GenericAPIView):
    """The data-gap queue's filters, documented from the queue's own FilterSet."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = DataGapFilter
    pagination_class = None

    def get_queryset(self):
        return datagap_selectors.datagap_queue()

    @extend_schema(
        operation_id="exports_datagap_queue",
        filters=True,
        summary="The data-gap queue as CSV, in queue order (streamed)",
        description="The queue page's filters; with none, active requests not snoozed.",
        responses=CSV_RESPONSES,
    )
    def get(self, request: Request):
        params = request.query_params.copy()
        params.pop("format", None)
        try:
            return exports.datagap_queue_response(params)
        except exports.QueueFilterInvalid as invalid:
            raise ValidationError(
                {key: [str(m) for m in messages] for key, messages in invalid.errors.items()}
            ) from None
