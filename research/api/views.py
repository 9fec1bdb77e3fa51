"""API views of the research app: thin adapters over selectors and services."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.exceptions import ErrorSerializer, validation_error_detail
from core.api.views import ERRORS_ONE, ERRORS_READ, ERRORS_WRITE, ID, WriteCheckedViewSet

from .. import filters, selectors, services
from .. import series as charts
from ..cache import cached_bytes
from ..models import Idea, Reading
from ..permissions import require_contribute, require_manage_boards
from . import serializers as s

# Every answer an operation can give is documented: writes answer 400 (field messages), 401,
# 403 (the message says who may do this) and 404 for an object that does not exist; lists
# answer 400 for a bad filter or page parameter and 404 past the last page.
ERRORS = {k: v for k, v in ERRORS_WRITE.items() if k != 404}  # creates: no object in the path
READ_ERRORS = ERRORS_ONE

MAX_FUNNEL_WEEKS = 52
DEFAULT_FUNNEL_WEEKS = 8

SINCE_DAYS = OpenApiParameter(
    "since_days",
    {"type": "integer", "minimum": 1, "maximum": selectors.MAX_SINCE_DAYS},
    description="Compare the latest value with the value as of this many days ago "
    f"(default {selectors.DEFAULT_SINCE_DAYS}).",
)
WEEKS = OpenApiParameter(
    "weeks",
    {"type": "integer", "minimum": 1, "maximum": MAX_FUNNEL_WEEKS},
    description=f"How many weeks back (default {DEFAULT_FUNNEL_WEEKS}).",
)


def _whole_number_param(request: Request, name: str, *, default: int, maximum: int) -> int:
    """Query parameter ``name``: absent is ``default``; else a whole number from 1 to
    ``maximum``, or a 400 saying so (the schema documents the same range)."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= maximum):
        raise DrfValidationError({name: [f"Enter a whole number from 1 to {maximum}."]})
    return int(raw)


class _Writes(mixins.ListModelMixin, mixins.RetrieveModelMixin, WriteCheckedViewSet):
    """List and retrieve from a selector; creates and updates go through services.

    ``write_check`` is the user-level ``require_*`` function of ``research.permissions``
    that the services of this resource call first: every write request calls it before
    its body is parsed, so a viewer posting ``{}`` gets the service's 403, not a 400.
    """

    http_method_names = ["get", "post", "patch", "head", "options"]
    write_check = require_contribute


@extend_schema_view(
    list=extend_schema(
        summary="List boards", responses={200: s.BoardSerializer(many=True), **ERRORS_READ}
    ),
    retrieve=extend_schema(
        parameters=[*ID], summary="A board", responses={200: s.BoardSerializer, **READ_ERRORS}
    ),
)
class BoardViewSet(_Writes):
    """Research boards: one research question each, with a gain bar and metrics.
    Managers create and change them."""

    serializer_class = s.BoardSerializer
    filterset_class = filters.BoardFilter
    ordering_fields = ["title", "created_at"]
    write_check = require_manage_boards

    def get_queryset(self):
        return selectors.board_list()

    @extend_schema(
        summary="Create a board",
        request=s.BoardCreateSerializer,
        responses={201: s.BoardSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = self._valid(s.BoardCreateSerializer, request.data)
        board = services.board_create(actor=request.user, **data)
        return Response(s.BoardSerializer(self.get_queryset().get(pk=board.pk)).data, status=201)

    @extend_schema(
        parameters=[*ID],
        summary="Change a board",
        request=s.BoardUpdateSerializer,
        responses={200: s.BoardSerializer, **ERRORS, **READ_ERRORS},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        board = self.get_object()
        data = self._valid(s.BoardUpdateSerializer, request.data)
        services.board_update(board=board, actor=request.user, **data)
        return Response(s.BoardSerializer(self.get_queryset().get(pk=board.pk)).data)

    @extend_schema(
        summary="The board's funnel: active ideas per status at the end of each week",
        parameters=[*ID, WEEKS],
        responses={200: s.FunnelSerializer, 400: ERRORS_READ[400], **READ_ERRORS},
    )
    @action(detail=True, methods=["get"])
    def funnel(self, request: Request, pk=None) -> Response:
        board = self.get_object()
        weeks = _whole_number_param(
            request, "weeks", default=DEFAULT_FUNNEL_WEEKS, maximum=MAX_FUNNEL_WEEKS
        )
        return Response(selectors.board_funnel(board, weeks=weeks))

    @staticmethod
    def _valid(serializer_class, data) -> dict:
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


@extend_schema_view(
    list=extend_schema(
        summary="List metrics", responses={200: s.MetricSerializer(many=True), **ERRORS_READ}
    ),
    retrieve=extend_schema(
        parameters=[*ID], summary="A metric", responses={200: s.MetricSerializer, **READ_ERRORS}
    ),
)
class MetricViewSet(_Writes):
    """Metrics of boards, each with the board's best idea on it. Managers write."""

    serializer_class = s.MetricSerializer
    filterset_class = filters.MetricFilter
    ordering_fields = ["name", "id"]
    write_check = require_manage_boards

    def get_queryset(self):
        return selectors.metric_list()

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "best": getattr(self, "_best", {})}

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self._best = selectors.metric_best_ideas(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        metric = self.get_object()
        self._best = selectors.metric_best_ideas([metric])
        return Response(self.get_serializer(metric).data)

    @extend_schema(
        summary="Add a metric to a board",
        request=s.MetricSerializer,
        responses={201: s.MetricSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        serializer = s.MetricSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        metric = services.metric_create(actor=request.user, **serializer.validated_data)
        return Response(s.MetricSerializer(metric).data, status=201)

    @extend_schema(
        parameters=[*ID],
        summary="Change a metric",
        request=s.MetricUpdateSerializer,
        responses={200: s.MetricSerializer, **ERRORS, **READ_ERRORS},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        metric = self.get_object()
        serializer = s.MetricUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        metric = services.metric_update(
            metric=metric, actor=request.user, **serializer.validated_data
        )
        self._best = selectors.metric_best_ideas([metric])
        return Response(self.get_serializer(metric).data)


@extend_schema_view(
    list=extend_schema(
        summary="List ideas with progress",
        parameters=[SINCE_DAYS],
        responses={200: s.IdeaSerializer(many=True), **ERRORS_READ},
    ),
    retrieve=extend_schema(
        summary="An idea with progress",
        parameters=[*ID, SINCE_DAYS],
        responses={200: s.IdeaSerializer, 400: ERRORS_READ[400], **READ_ERRORS},
    ),
)
class IdeaViewSet(_Writes):
    """Ideas on boards, with progress on every metric of their board: latest value, value
    ``since_days`` ago, change, relative gain over the baseline and the gain bar."""

    serializer_class = s.IdeaSerializer
    filterset_class = filters.IdeaFilter
    ordering_fields = ["position", "created_at", "updated_at", "title"]

    def get_queryset(self):
        return selectors.idea_list()

    def _since_days(self) -> int:
        return _whole_number_param(
            self.request,
            "since_days",
            default=selectors.DEFAULT_SINCE_DAYS,
            maximum=selectors.MAX_SINCE_DAYS,
        )

    def _render(self, ideas: list[Idea]) -> list[dict] | dict:
        progress = selectors.progress_by_idea(
            selectors.progress_for_ideas(ideas, since_days=self._since_days())
        )
        context = {**self.get_serializer_context(), "progress": progress}
        return s.IdeaSerializer(ideas, many=True, context=context).data

    def list(self, request: Request, *args, **kwargs) -> Response:
        seconds = settings.IDEA_LIST_CACHE_SECONDS
        if request.accepted_renderer.format != "json" or seconds <= 0:
            return self._list_response()
        # Same answer for everyone who may read ideas: cache the rendered JSON per URL.
        body = cached_bytes(
            f"ideas:{request.build_absolute_uri()}",
            lambda: self._list_response().rendered_content,
            seconds=seconds,
        )
        return HttpResponse(body, content_type="application/json")

    def _list_response(self) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        response = self.get_paginated_response(self._render(list(page)))
        response.accepted_renderer = self.request.accepted_renderer
        response.accepted_media_type = self.request.accepted_media_type
        response.renderer_context = self.get_renderer_context()
        return response

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return Response(self._render([self.get_object()])[0])

    def _idea(self, pk) -> Idea:
        return selectors.idea_list().get(pk=pk)

    @extend_schema(
        summary="Propose an idea",
        request=s.IdeaCreateSerializer,
        responses={201: s.IdeaSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        serializer = s.IdeaCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        idea = services.idea_create(actor=request.user, **serializer.validated_data)
        return Response(self._render([self._idea(idea.pk)])[0], status=201)

    @extend_schema(
        parameters=[*ID],
        summary="Edit an idea (not its status: see transition)",
        request=s.IdeaUpdateSerializer,
        responses={200: s.IdeaSerializer, **ERRORS, **READ_ERRORS},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        idea = self.get_object()
        serializer = s.IdeaUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.idea_update(idea=idea, actor=request.user, **serializer.validated_data)
        return Response(self._render([self._idea(idea.pk)])[0])

    @extend_schema(
        parameters=[*ID],
        summary="Move an idea to another status",
        description="The same transition table as the board: see ``allowed_transitions`` on "
        "the idea. Dropping needs a ``reason``; promoting needs ``tasks`` unless the idea "
        "already has engineering tasks, and ``confirm_below_bar`` when the idea's gain on the "
        "primary metric is below the board's gain bar (the promotion's activity event then "
        "carries ``below_bar``, ``gain_pct`` and ``gain_bar``: see ``/api/v1/activity/``).",
        request=s.TransitionSerializer,
        responses={
            200: s.IdeaSerializer,
            **ERRORS,
            **READ_ERRORS,
            409: OpenApiResponse(ErrorSerializer, description="Moved by someone else meanwhile."),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk=None) -> Response:
        idea = self.get_object()
        serializer = s.TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.idea_transition(idea=idea, actor=request.user, **serializer.validated_data)
        return Response(self._render([self._idea(idea.pk)])[0])

    @extend_schema(
        summary="An idea's history of one metric, downsampled for charts and BI tools",
        description="Every reading of the metric in the window (default: the whole history) "
        "as at most ``points`` points. When there are more readings than points they are "
        "grouped into equal buckets of time (or of training step) and each point keeps its "
        "bucket's minimum, maximum and mean, so spikes survive; ``downsampled`` says so and "
        "``total`` counts the readings. The axis is the training step when every reading in "
        "the window has one, else time. ``from``/``to`` (inclusive) narrow the window: both "
        "training steps, or both times (ISO 8601; a date alone is its whole day; UTC when "
        "no offset is given). The metric must belong to the idea's board (else 404).",
        parameters=[
            *ID,
            OpenApiParameter(
                "metric", {"type": "integer", "minimum": 1, "maximum": s.MAX_ID}, required=True
            ),
            OpenApiParameter(
                "points",
                {"type": "integer", "minimum": charts.MIN_POINTS, "maximum": charts.MAX_POINTS},
                description=f"At most this many points (default {charts.DEFAULT_POINTS}).",
            ),
            OpenApiParameter("from", OpenApiTypes.STR, description="Start of the window."),
            OpenApiParameter("to", OpenApiTypes.STR, description="End of the window."),
        ],
        responses={200: s.SeriesSerializer, 400: ERRORS_READ[400], **READ_ERRORS},
    )
    @action(detail=True, methods=["get"])
    def series(self, request: Request, pk=None) -> Response:
        idea = self.get_object()
        query = s.SeriesQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        data = query.validated_data
        metric = selectors.board_metrics(idea.board_id).filter(pk=data["metric"]).first()
        if metric is None:
            raise NotFound(f"The idea's board has no metric with id {data['metric']}.")
        found = charts.series_one(
            idea_id=idea.pk,
            metric=metric,
            points=data["points"],
            start=data.get("from"),
            end=data.get("to"),
        )
        return Response(s.SeriesSerializer(found).data)


READING_INPUT = PolymorphicProxySerializer(
    component_name="ReadingInput",
    serializers=[s.ReadingCreateSerializer, s.ReadingBatchSerializer],
    resource_type_field_name=None,
    many=False,
)


def _field_messages(error: Exception) -> dict[str, list[str]]:
    """Field → messages of a refused single reading or request, whatever raised it."""
    if isinstance(error, DjangoValidationError):
        detail = validation_error_detail(error)
    elif isinstance(error, ParseError):
        detail = {"non_field_errors": [error.detail]}
    else:
        detail = error.detail
    if not isinstance(detail, dict):
        detail = {"non_field_errors": detail}
    return {
        field: [str(m) for m in (messages if isinstance(messages, list) else [messages])]
        for field, messages in detail.items()
    }


@extend_schema_view(
    list=extend_schema(
        summary="List readings", responses={200: s.ReadingSerializer(many=True), **ERRORS_READ}
    ),
    retrieve=extend_schema(
        parameters=[*ID], summary="A reading", responses={200: s.ReadingSerializer, **READ_ERRORS}
    ),
)
class ReadingViewSet(_Writes):
    """Metric readings of ideas, oldest first. Training jobs post them here, one or a list;
    a mistaken one is deleted (its idea's owner or a manager)."""

    serializer_class = s.ReadingSerializer
    filterset_class = filters.ReadingFilter
    ordering_fields = ["recorded_at", "id"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.reading_list()

    @extend_schema(
        parameters=[*ID],
        summary="Delete a mistaken reading",
        responses={204: None, **READ_ERRORS},
    )
    def destroy(self, request: Request, pk=None) -> Response:
        services.reading_delete(reading=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Record one reading or a list of up to 10,000",
        description="A single object is stored and returned (201). A list is stored "
        'all-or-nothing: 201 with ``{"created": n}``. Every 400 has one shape, '
        '``{"errors": [{"index": 3, "value": ["…"]}, ...]}``: one entry per refused item '
        "with its position in the list sent, or one entry with ``index`` null when a single "
        "object or the whole request is refused (unreadable JSON, an empty or too long "
        "list). Values must be finite; ``recorded_at`` (ISO 8601 with any UTC offset, "
        "default now, stored in UTC) may not be in the future; the metric must belong to "
        "the idea's board. Members record on their own ideas only.",
        request=READING_INPUT,
        responses={
            201: PolymorphicProxySerializer(
                component_name="ReadingCreated",
                serializers=[s.ReadingSerializer, s.BulkCreatedSerializer],
                resource_type_field_name=None,
            ),
            400: OpenApiResponse(s.ReadingErrorsSerializer, description="What was refused."),
            401: ERRORS[401],
            403: ERRORS[403],
        },
    )
    def create(self, request: Request) -> Response:
        try:
            return self._create(request)
        except services.ReadingsInvalid as invalid:
            errors = [
                {"index": int(index), **fields}
                for index, fields in sorted(invalid.errors.items(), key=lambda kv: int(kv[0]))
            ]
        except (DrfValidationError, DjangoValidationError, ParseError) as error:
            errors = [{"index": None, **_field_messages(error)}]
        return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)

    def _create(self, request: Request) -> Response:
        if isinstance(request.data, list):
            created = services.readings_ingest(items=request.data, actor=request.user)
            return Response({"created": created}, status=status.HTTP_201_CREATED)
        serializer = s.ReadingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Null means the default, as in a list.
        data = {k: v for k, v in serializer.validated_data.items() if v is not None}
        idea_id, metric_id = data.pop("idea"), data.pop("metric")
        idea = selectors.idea_detail().filter(pk=idea_id).first()
        metric = selectors.metric_list().filter(pk=metric_id).first()
        errors = {}
        if idea is None:
            errors["idea"] = [f"No idea with id {idea_id}."]
        if metric is None:
            errors["metric"] = [f"No metric with id {metric_id}."]
        if errors:
            raise DjangoValidationError(errors)
        data["source"] = data.get("source") or Reading.SOURCE_API
        reading = services.reading_create(idea=idea, metric=metric, actor=request.user, **data)
        return Response(s.ReadingSerializer(reading).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="List engineering tasks",
        responses={200: s.TaskSerializer(many=True), **ERRORS_READ},
    ),
    retrieve=extend_schema(
        parameters=[*ID], summary="A task", responses={200: s.TaskSerializer, **READ_ERRORS}
    ),
)
class TaskViewSet(_Writes):
    """Engineering tasks that promoted ideas break down into."""

    serializer_class = s.TaskSerializer
    filterset_class = filters.TaskFilter
    ordering_fields = ["position", "created_at"]

    def get_queryset(self):
        return selectors.task_list()

    @extend_schema(
        summary="Add a task to an idea",
        request=s.TaskSerializer,
        responses={201: s.TaskSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        serializer = s.TaskSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("done", None)
        task = services.task_create(actor=request.user, **data)
        return Response(s.TaskSerializer(task).data, status=201)

    @extend_schema(
        parameters=[*ID],
        summary="Change a task (e.g. mark it done)",
        request=s.TaskUpdateSerializer,
        responses={200: s.TaskSerializer, **ERRORS, **READ_ERRORS},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        task = self.get_object()
        serializer = s.TaskUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = services.task_update(task=task, actor=request.user, **serializer.validated_data)
        return Response(s.TaskSerializer(task).data)

    @extend_schema(
        parameters=[*ID],
        summary="Claim an unassigned task (assign it to me)",
        request=None,
        responses={
            200: s.TaskSerializer,
            **ERRORS,
            **READ_ERRORS,
            409: OpenApiResponse(ErrorSerializer, description="Someone else claimed it first."),
        },
    )
    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk=None) -> Response:
        task = services.task_claim(task=self.get_object(), actor=request.user)
        return Response(s.TaskSerializer(task).data)
