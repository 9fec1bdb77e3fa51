"""API views of the projects app: thin adapters over selectors and services.

Reads use the selectors (the same querysets as the HTML pages); writes call the services,
whose ``ValidationError``/``PermissionDenied`` the shared exception handler turns into
400/403. Every error response is documented in the schema.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.exceptions import ErrorSerializer
from core.api.views import ERRORS_READ, ERRORS_WRITE, ID, ServiceViewSet, crud_schema
from projects import permissions, portfolio, selectors, services
from projects.filters import (
    PortfolioFilter,
    ProjectFilter,
    RotationFilter,
    TakeawayFilter,
    TargetFilter,
)

from .serializers import (
    PhaseChangeInputSerializer,
    PortfolioRowSerializer,
    ProjectSerializer,
    RotationSerializer,
    RotationUpdateSerializer,
    TakeawaySerializer,
    TargetMoveSerializer,
    TargetSerializer,
    TargetUpdateSerializer,
)


@extend_schema_view(**crud_schema(ProjectSerializer))
class ProjectViewSet(ServiceViewSet):
    """Projects. Managers create and edit them; anyone signed in reads."""

    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    write_check = permissions.require_manage_projects
    # Projects are archived (a phase), never deleted through the API.
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    ordering_fields = ["name", "target_release", "updated_at", "phase", "health"]
    ordering = ["name"]

    def get_queryset(self):
        return selectors.project_list().prefetch_related("members")

    def service_create(self, data):
        return services.project_create(actor=self.request.user, **data)

    def service_update(self, project, data):
        return services.project_update(project=project, actor=self.request.user, **data)

    @extend_schema(
        parameters=ID,
        request=PhaseChangeInputSerializer,
        responses={
            200: ProjectSerializer,
            **ERRORS_WRITE,
            409: OpenApiResponse(ErrorSerializer, description="The project moved meanwhile."),
        },
        description=(
            "Move the project to another phase. 400 when the move is not in the transition "
            "table or a phase gate fails without an `override_reason`; 409 when "
            "`expected_phase` is given and the project has moved on."
        ),
    )
    @action(detail=True, methods=["post"])
    def phase(self, request: Request, pk=None) -> Response:
        permissions.require_change_phase(request.user)
        project = self.get_object()
        payload = PhaseChangeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.project_change_phase(project=project, actor=request.user, **payload.validated_data)
        return Response(self._out(self._reread(project)))


@extend_schema_view(**crud_schema(TargetSerializer))
class TargetViewSet(ServiceViewSet):
    """Targets and ideal user scenarios, in each project's order. Managers write."""

    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    ordering_fields = ["position", "created_at"]
    write_check = permissions.require_edit_targets

    def get_queryset(self):
        return selectors.target_list()

    def service_create(self, data):
        return services.target_create(actor=self.request.user, **data)

    def get_serializer_class(self):
        """On update the project is read-only: a target stays on its project."""
        if self.action in ("update", "partial_update"):
            return TargetUpdateSerializer
        return TargetSerializer

    def service_update(self, target, data):
        return services.target_update(target=target, actor=self.request.user, **data)

    def service_delete(self, target):
        services.target_delete(target=target, actor=self.request.user)

    @extend_schema(
        parameters=ID,
        request=TargetMoveSerializer,
        responses={200: TargetSerializer, **ERRORS_WRITE},
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk=None) -> Response:
        """Swap the target with its neighbour: ``{"direction": "up" | "down"}``."""
        permissions.require_edit_targets(request.user)
        target = self.get_object()
        payload = TargetMoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        target = services.target_move(target=target, actor=request.user, **payload.validated_data)
        return Response(self._out(target))


@extend_schema_view(**crud_schema(RotationSerializer))
class RotationViewSet(ServiceViewSet):
    """Rotations and placeholders. Managers write; filters: person, project, discipline,
    placeholder, active_on (a date)."""

    serializer_class = RotationSerializer
    filterset_class = RotationFilter
    write_check = permissions.require_plan_rotations
    ordering_fields = ["start", "planned_end", "allocation"]

    def get_queryset(self):
        return selectors.rotation_list()

    def service_create(self, data):
        return services.rotation_create(actor=self.request.user, **data)

    def get_serializer_class(self):
        """On update the project is read-only: a rotation stays on its project."""
        if self.action in ("update", "partial_update"):
            return RotationUpdateSerializer
        return RotationSerializer

    def service_update(self, rotation, data):
        return services.rotation_update(rotation=rotation, actor=self.request.user, **data)

    def service_delete(self, rotation):
        services.rotation_delete(rotation=rotation, actor=self.request.user)

    def _out(self, obj) -> dict:
        warnings = services.rotation_warnings(obj)
        return RotationSerializer(obj, context={"warnings": {obj.pk: warnings}}).data


@extend_schema_view(**crud_schema(TakeawaySerializer))
class TakeawayViewSet(ServiceViewSet):
    """Takeaways. Members share their own; only the author (or an admin) edits one."""

    serializer_class = TakeawaySerializer
    filterset_class = TakeawayFilter
    # Only the role here; "only the author or an admin" is the service's, per takeaway.
    write_check = permissions.require_share_takeaways
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return selectors.takeaway_list()

    def service_create(self, data):
        return services.takeaway_create(actor=self.request.user, **data)

    def service_update(self, takeaway, data):
        return services.takeaway_update(takeaway=takeaway, actor=self.request.user, **data)

    def service_delete(self, takeaway):
        services.takeaway_delete(takeaway=takeaway, actor=self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="The portfolio: every project's phase, health, gates, team and open items",
        description="The rows of the portfolio page, worst health first, with its filters "
        "(archived projects only with `phase=archived`). For BI.",
        responses={200: PortfolioRowSerializer(many=True), **ERRORS_READ},
    )
)
class PortfolioViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """``GET /api/v1/portfolio/``: the portfolio's rows and filters, read only."""

    serializer_class = PortfolioRowSerializer
    filterset_class = PortfolioFilter
    ordering_fields: list[str] = []  # the portfolio's own order (worst health first)

    def get_queryset(self):
        return portfolio.portfolio_list()

    def paginate_queryset(self, queryset):
        """Each page's rows get their gates and counts in a fixed number of queries."""
        page = super().paginate_queryset(queryset)
        return None if page is None else portfolio.portfolio_rows(page)


__all__ = [
    "PortfolioViewSet",
    "ProjectViewSet",
    "RotationViewSet",
    "TakeawayViewSet",
    "TargetViewSet",
]
