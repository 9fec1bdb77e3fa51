"""API views of data-gap requests: thin adapters over the selectors and services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.exceptions import ErrorSerializer
from core.api.views import ERRORS_ONE, ERRORS_READ, ERRORS_WRITE, ID, WriteCheckedViewSet
from core.services import nul_message

from .. import selectors, services
from ..filters import DataGapFilter
from ..permissions import require_file
from . import serializers as s

ERRORS_CREATE = {k: v for k, v in ERRORS_WRITE.items() if k != 404}
CONFLICT = {409: OpenApiResponse(ErrorSerializer, description="Moved by someone else meanwhile.")}
# The typed text of a request being written: the title and description, or part of them.
MAX_Q_LENGTH = 2000
Q = OpenApiParameter(
    "q",
    {"type": "string", "maxLength": MAX_Q_LENGTH, "pattern": "^[^\\u0000]*$"},
    required=True,
    description="The text being typed (title and description); empty answers an empty list.",
)


class DataGapViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WriteCheckedViewSet):
    """Data-gap requests: scientists file them (members, their own), data engineers and
    managers triage, assign, snooze and deliver them. List filters are the queue page's."""

    serializer_class = s.DataGapSerializer
    filterset_class = DataGapFilter
    filter_backends = [DjangoFilterBackend]
    http_method_names = ["get", "post", "patch", "head", "options"]
    # Every write needs a member at least: a viewer posting {} gets the service's 403.
    write_check = require_file

    def get_queryset(self):
        return selectors.datagap_api_list().order_by("-created_at", "-id")

    def _out(self, pk: int, status: int = 200) -> Response:
        return Response(s.DataGapSerializer(self.get_queryset().get(pk=pk)).data, status=status)

    @staticmethod
    def _valid(serializer_class, data) -> dict:
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    @extend_schema(
        summary="List data-gap requests",
        responses={200: s.DataGapSerializer(many=True), **ERRORS_READ},
    )
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="A data-gap request",
        parameters=[*ID],
        responses={200: s.DataGapSerializer, **ERRORS_ONE},
    )
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="File a data-gap request",
        request=s.DataGapCreateSerializer,
        responses={201: s.DataGapSerializer, **ERRORS_CREATE},
    )
    def create(self, request: Request) -> Response:
        data = self._valid(s.DataGapCreateSerializer, request.data)
        gap = services.datagap_create(actor=request.user, **data)
        return self._out(gap.pk, status=201)

    @extend_schema(
        summary="Edit a data-gap request (not its status: see transition)",
        parameters=[*ID],
        request=s.DataGapUpdateSerializer,
        responses={200: s.DataGapSerializer, **ERRORS_WRITE},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        gap = self.get_object()
        data = self._valid(s.DataGapUpdateSerializer, request.data)
        services.datagap_update(request=gap, actor=request.user, **data)
        return self._out(gap.pk)

    @extend_schema(
        summary="Move a data-gap request to another status",
        description="The status table is the queue's: see ``allowed_transitions``. Declining "
        "needs ``reason``; reopening needs ``note``; a duplicate needs ``duplicate_of`` (never "
        "itself, never a cycle); delivering needs ``delivered_dataset`` and "
        "``delivered_location``. Data engineers and managers make every move; the requester "
        "may reopen their own request.",
        parameters=[*ID],
        request=s.DataGapTransitionSerializer,
        responses={200: s.DataGapSerializer, **ERRORS_WRITE, **CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk=None) -> Response:
        gap = self.get_object()
        data = self._valid(s.DataGapTransitionSerializer, request.data)
        services.datagap_transition(request=gap, actor=request.user, **data)
        return self._out(gap.pk)

    @extend_schema(
        summary="Snooze a data-gap request until a date (null wakes it)",
        parameters=[*ID],
        request=s.DataGapSnoozeSerializer,
        responses={200: s.DataGapSerializer, **ERRORS_WRITE},
    )
    @action(detail=True, methods=["post"])
    def snooze(self, request: Request, pk=None) -> Response:
        gap = self.get_object()
        data = self._valid(s.DataGapSnoozeSerializer, request.data)
        services.datagap_snooze(request=gap, until=data["until"], actor=request.user)
        return self._out(gap.pk)

    @extend_schema(
        summary="Watch a data-gap request (hear when it moves or is delivered)",
        parameters=[*ID],
        request=None,
        responses={200: s.DataGapSerializer, **ERRORS_ONE},
    )
    @action(detail=True, methods=["post"])
    def watch(self, request: Request, pk=None) -> Response:
        gap = self.get_object()
        services.datagap_watch(request=gap, actor=request.user)
        return self._out(gap.pk)

    @extend_schema(
        summary="Stop watching a data-gap request",
        parameters=[*ID],
        request=None,
        responses={200: s.DataGapSerializer, **ERRORS_ONE},
    )
    @action(detail=True, methods=["post"])
    def unwatch(self, request: Request, pk=None) -> Response:
        gap = self.get_object()
        services.datagap_unwatch(request=gap, actor=request.user)
        return self._out(gap.pk)

    @extend_schema(
        operation_id="v1_data_gaps_similar",
        summary="The most similar earlier requests, across all projects",
        parameters=[*ID],
        responses={200: s.SimilarSerializer(many=True), **ERRORS_ONE},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="similar",
        url_name="similar",
        filter_backends=[],
        pagination_class=None,
    )
    def similar(self, request: Request, pk=None) -> Response:
        gap = self.get_object()
        return Response(s.SimilarSerializer(selectors.datagap_similar_to(gap), many=True).data)

    @extend_schema(
        operation_id="v1_data_gaps_similar_to_text",
        summary="Requests similar to a text being typed (before filing a copy)",
        parameters=[Q],
        responses={
            200: s.SimilarSerializer(many=True),
            400: ERRORS_READ[400],
            401: ERRORS_READ[401],
            403: ERRORS_READ[403],
        },
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="similar",
        url_name="similar-text",
        filter_backends=[],
        pagination_class=None,
    )
    def similar_text(self, request: Request) -> Response:
        text = request.query_params.get("q")
        if text is None:
            raise DjangoValidationError({"q": "Send the text to compare as q."})
        if len(text) > MAX_Q_LENGTH or nul_message(text):
            raise DjangoValidationError(
                {"q": nul_message(text) or f"Keep q to {MAX_Q_LENGTH:,} characters or fewer."}
            )
        return Response(s.SimilarSerializer(selectors.datagap_similar(text), many=True).data)

    @extend_schema(
        summary="Recurring asks: similar requests filed on several projects",
        responses={
            200: s.RecurringGroupSerializer(many=True),
            401: ERRORS_READ[401],
            403: ERRORS_READ[403],
        },
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def recurring(self, request: Request) -> Response:
        return Response(s.RecurringGroupSerializer(selectors.datagap_recurring(), many=True).data)

    @extend_schema(
        summary="Triage figures: monthly medians of time to first triage and to delivery",
        responses={200: s.StatsSerializer, 401: ERRORS_READ[401], 403: ERRORS_READ[403]},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def stats(self, request: Request) -> Response:
        return Response(s.StatsSerializer(selectors.datagap_stats()).data)
