"""API views of the flags app: thin adapters over selectors and services."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.exceptions import ErrorSerializer
from core.api.views import ERRORS_ONE, ERRORS_READ, ERRORS_WRITE, ID, WriteCheckedViewSet
from projects.models import Project

from .. import selectors, services
from ..filters import FlagFilter
from ..permissions import require_raise
from . import serializers as s

ERRORS_CREATE = {k: v for k, v in ERRORS_WRITE.items() if k != 404}


@extend_schema_view(
    list=extend_schema(
        summary="List dependency flags",
        description="Filter by project, idea, kind, severity, status, owner and overdue; "
        "``ordering`` by severity, raised or due (``-`` for descending). Without it: active "
        "flags first, worst first, newest first.",
        responses={200: s.FlagSerializer(many=True), **ERRORS_READ},
    ),
    retrieve=extend_schema(
        parameters=[*ID], summary="A flag", responses={200: s.FlagSerializer, **ERRORS_ONE}
    ),
)
class FlagViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WriteCheckedViewSet):
    """Dependency flags: what a project (or an idea) will need from engineering, raised early.
    Members raise them; owners, engineers and managers acknowledge and resolve them."""

    serializer_class = s.FlagSerializer
    filterset_class = FlagFilter
    filter_backends = [DjangoFilterBackend]
    http_method_names = ["get", "post", "patch", "head", "options"]
    write_check = require_raise

    def get_queryset(self):
        queryset = selectors.flag_list()
        if self.action == "list" and not self.request.query_params.get("ordering"):
            queryset = queryset.order_by(*selectors.DEFAULT_ORDER)
        return queryset

    def _out(self, flag) -> dict:
        return s.FlagSerializer(selectors.flag_list().get(pk=flag.pk)).data

    @extend_schema(
        summary="Raise a flag",
        request=s.FlagCreateSerializer,
        responses={201: s.FlagSerializer, **ERRORS_CREATE},
    )
    def create(self, request: Request) -> Response:
        serializer = s.FlagCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        flag = services.flag_raise(actor=request.user, **serializer.validated_data)
        return Response(self._out(flag), status=201)

    @extend_schema(
        parameters=[*ID],
        summary="Edit a flag (not its status: see transition)",
        request=s.FlagUpdateSerializer,
        responses={200: s.FlagSerializer, **ERRORS_WRITE},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        flag = self.get_object()
        serializer = s.FlagUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        flag = services.flag_update(flag=flag, actor=request.user, **serializer.validated_data)
        return Response(self._out(flag))

    @extend_schema(
        parameters=[*ID],
        summary="Move a flag: acknowledge, resolve, accept the risk, reopen",
        description="``open → acknowledged → resolved | accepted_risk``; resolved and "
        "accepted_risk may be reopened. ``note`` is required to resolve, accept the risk "
        "and reopen. See ``allowed_transitions`` on the flag.",
        request=s.FlagTransitionSerializer,
        responses={
            200: s.FlagSerializer,
            **ERRORS_WRITE,
            409: OpenApiResponse(ErrorSerializer, description="Moved by someone else meanwhile."),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk=None) -> Response:
        flag = self.get_object()
        serializer = s.FlagTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        flag = services.flag_transition(flag=flag, actor=request.user, **serializer.validated_data)
        return Response(self._out(flag))

    @extend_schema(
        summary="Early-warning figures",
        description="For flags raised from ``start`` to ``end`` (default: the last 365 days), "
        "on ``project`` or all: the share raised in research or prototype, median and 90th "
        "percentile hours to acknowledge and to resolve, active flags by age, each flag's "
        "lead time before implementation, and early and late flags per month.",
        parameters=[
            OpenApiParameter(
                "project",
                {"type": "integer", "format": "int64", "minimum": -(2**63), "maximum": 2**63 - 1},
                description="A project id (default: all projects; an unknown id has no flags).",
            ),
            OpenApiParameter("start", OpenApiTypes.DATE, description="First day (YYYY-MM-DD)."),
            OpenApiParameter("end", OpenApiTypes.DATE, description="Last day (YYYY-MM-DD)."),
        ],
        responses={200: s.FlagStatsSerializer, **ERRORS_READ},
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def stats(self, request: Request) -> Response:
        query = s.StatsQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        start, end = selectors.default_stats_period()
        start = query.validated_data.get("start") or start
        end = query.validated_data.get("end") or end
        selectors.stats_period_check(start, end)
        project_id = query.validated_data.get("project")
        project = Project(pk=project_id) if project_id is not None else None
        stats = selectors.flag_stats(start=start, end=end, project=project)
        return Response(s.FlagStatsSerializer(stats).data)
