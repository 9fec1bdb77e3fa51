"""API views of the projects app: thin adapters over selectors and services.

Reads use the selectors (the same querysets as the HTML pages); writes call the services,
whose ``ValidationError``/``PermissionDenied`` the shared exception handler turns into
400/403. Every error response is documented in the schema.
"""

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from projects import selectors, services
from projects.filters import (
    ActivityFilter,
    PersonFilter,
    ProjectFilter,
    RotationFilter,
    TakeawayFilter,
    TargetFilter,
)
from projects.models import Role

from .exceptions import ErrorSerializer, ValidationErrorSerializer
from .serializers import (
    ActivitySerializer,
    PersonSerializer,
    PhaseChangeInputSerializer,
    ProjectSerializer,
    RotationSerializer,
    TakeawaySerializer,
    TargetMoveSerializer,
    TargetSerializer,
)

ERRORS_READ = {
    400: OpenApiResponse(ValidationErrorSerializer, description="Invalid filter value."),
    401: OpenApiResponse(ErrorSerializer, description="Not signed in."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed."),
    404: OpenApiResponse(ErrorSerializer, description="No such page."),
}
# Any path segment reaches the view, so a malformed id is a JSON 404 rather than an HTML one;
# the schema still says the id is an integer.
LOOKUP_ANY = r"[^/]+"
ID = [OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)]
ERRORS_ONE = {
    401: OpenApiResponse(ErrorSerializer, description="Not signed in."),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed."),
    404: OpenApiResponse(ErrorSerializer, description="No such object."),
}
ERRORS_WRITE = {
    400: OpenApiResponse(ValidationErrorSerializer, description="Field messages."),
    **ERRORS_ONE,
}


def _crud_schema(serializer, *, writable: bool = True):
    """extend_schema_view arguments documenting each action's error responses."""
    schema = {
        "list": extend_schema(responses={200: serializer(many=True), **ERRORS_READ}),
        "retrieve": extend_schema(parameters=ID, responses={200: serializer, **ERRORS_ONE}),
    }
    if writable:
        errors_create = {k: v for k, v in ERRORS_WRITE.items() if k != 404}
        schema.update(
            create=extend_schema(responses={201: serializer, **errors_create}),
            update=extend_schema(parameters=ID, responses={200: serializer, **ERRORS_WRITE}),
            partial_update=extend_schema(
                parameters=ID, responses={200: serializer, **ERRORS_WRITE}
            ),
            destroy=extend_schema(parameters=ID, responses={204: None, **ERRORS_ONE}),
        )
    return schema


class MeView(APIView):
    """The signed-in person."""

    @extend_schema(responses={200: PersonSerializer, 401: ErrorSerializer})
    def get(self, request: Request) -> Response:
        return Response(PersonSerializer(request.user).data)


class ServiceViewSet(viewsets.ModelViewSet):
    """A ModelViewSet whose writes go through services and whose responses are re-read
    through the list selector (so annotations are present)."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    lookup_value_regex = LOOKUP_ANY

    def _reread(self, obj):
        return self.get_queryset().get(pk=obj.pk)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self._reread(self.service_create(serializer.validated_data))
        return Response(self._out(obj), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        obj = self._reread(self.service_update(instance, serializer.validated_data))
        return Response(self._out(obj))

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        self.service_delete(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _out(self, obj) -> dict:
        return self.get_serializer(obj).data


@extend_schema_view(**_crud_schema(ProjectSerializer))
class ProjectViewSet(ServiceViewSet):
    """Projects. Managers create and edit them; anyone signed in reads."""

    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    write_role = Role.MANAGER
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
        project = self.get_object()
        payload = PhaseChangeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.project_change_phase(project=project, actor=request.user, **payload.validated_data)
        return Response(self._out(self._reread(project)))


@extend_schema_view(**_crud_schema(TargetSerializer))
class TargetViewSet(ServiceViewSet):
    """Targets and ideal user scenarios, in each project's order. Managers write."""

    serializer_class = TargetSerializer
    filterset_class = TargetFilter
    write_role = Role.MANAGER
    ordering_fields = ["position", "created_at"]

    def get_queryset(self):
        from projects.models import Target

        return Target.objects.order_by("project_id", "position", "id")

    def service_create(self, data):
        return services.target_create(actor=self.request.user, **data)

    def service_update(self, target, data):
        if "project" in data and data.pop("project") != target.project:
            raise ValidationError({"project": "A target cannot move to another project."})
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
        target = self.get_object()
        payload = TargetMoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        target = services.target_move(target=target, actor=request.user, **payload.validated_data)
        return Response(self._out(target))


@extend_schema_view(**_crud_schema(RotationSerializer))
class RotationViewSet(ServiceViewSet):
    """Rotations and placeholders. Managers write; filters: person, project, discipline,
    placeholder, active_on (a date)."""

    serializer_class = RotationSerializer
    filterset_class = RotationFilter
    write_role = Role.MANAGER
    ordering_fields = ["start", "planned_end", "allocation"]

    def get_queryset(self):
        return selectors.rotation_list()

    def service_create(self, data):
        return services.rotation_create(actor=self.request.user, **data)

    def service_update(self, rotation, data):
        if "project" in data and data.pop("project") != rotation.project:
            raise ValidationError({"project": "A rotation cannot move to another project."})
        return services.rotation_update(rotation=rotation, actor=self.request.user, **data)

    def service_delete(self, rotation):
        services.rotation_delete(rotation=rotation, actor=self.request.user)

    def _out(self, obj) -> dict:
        warnings = selectors.rotation_warnings(obj)
        return RotationSerializer(obj, context={"warnings": {obj.pk: warnings}}).data


@extend_schema_view(**_crud_schema(PersonSerializer, writable=False))
class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """People (read-only here; admins manage people in the admin)."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    lookup_value_regex = LOOKUP_ANY
    ordering_fields = ["username", "first_name", "last_name"]

    def get_queryset(self):
        return selectors.person_list()


@extend_schema_view(**_crud_schema(TakeawaySerializer))
class TakeawayViewSet(ServiceViewSet):
    """Takeaways. Members share their own; only the author (or an admin) edits one."""

    serializer_class = TakeawaySerializer
    filterset_class = TakeawayFilter
    write_role = Role.MEMBER
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return selectors.takeaway_list()

    def service_create(self, data):
        return services.takeaway_create(actor=self.request.user, **data)

    def service_update(self, takeaway, data):
        return services.takeaway_update(takeaway=takeaway, actor=self.request.user, **data)

    def service_delete(self, takeaway):
        services.takeaway_delete(takeaway=takeaway, actor=self.request.user)


@extend_schema_view(**_crud_schema(ActivitySerializer, writable=False))
class ActivityViewSet(viewsets.ReadOnlyModelViewSet):
    """The activity log, newest first; filters: project, actor, verb, since."""

    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    lookup_value_regex = LOOKUP_ANY
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return selectors.activity_list()


__all__ = [
    "ActivityViewSet",
    "MeView",
    "PersonViewSet",
    "ProjectViewSet",
    "RotationViewSet",
    "TakeawayViewSet",
    "TargetViewSet",
]
