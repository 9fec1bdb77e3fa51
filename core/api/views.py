"""API building blocks every app's API uses: documented error responses and the viewset
whose writes go through services."""

from collections.abc import Callable
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from .exceptions import ErrorSerializer, ValidationErrorSerializer

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


def crud_schema(serializer, *, writable: bool = True):
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


class ServiceViewSet(viewsets.ModelViewSet):
    """A ModelViewSet whose writes go through services and whose responses are re-read
    through the list selector (so annotations are present).

    Subclasses implement ``service_create(data)``, ``service_update(obj, data)`` and
    ``service_delete(obj)``, each calling one service with ``actor=self.request.user``.

    ``write_check``: ``None`` or a plain function taking the user, the app's permission
    function for this kind of write (e.g. ``projects.permissions.require_plan_rotations``)
    that raises ``PermissionDenied`` with its message. ``create``, ``update``,
    ``partial_update`` and ``destroy`` call it with ``request.user`` before reading the
    input or the object, so a caller who may not write gets that 403 and its message, never
    a 400 about fields. It is the same function the service calls (the service still checks
    every write, including object-level rules such as "only the author"), so the API and
    the pages say the same words.
    """

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    lookup_value_regex = LOOKUP_ANY
    write_check: Callable[[Any], None] | None = None

    def check_write(self, request: Request) -> None:
        """Refuse a write the user may not make, with the app's message (see the class)."""
        # Read from the class: a plain function stored on it must not become a method.
        check = type(self).write_check
        if check is not None:
            check(request.user)

    def _reread(self, obj):
        return self.get_queryset().get(pk=obj.pk)

    def create(self, request: Request, *args, **kwargs) -> Response:
        self.check_write(request)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self._reread(self.service_create(serializer.validated_data))
        return Response(self._out(obj), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        self.check_write(request)
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        obj = self._reread(self.service_update(instance, serializer.validated_data))
        return Response(self._out(obj))

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        self.check_write(request)
        self.service_delete(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _out(self, obj) -> dict:
        return self.get_serializer(obj).data


class WriteCheckedViewSet(viewsets.GenericViewSet):
    """A viewset whose writes each call one service: before any write's body is parsed,
    ``write_check`` (the app's user-level ``require_*`` function, the same one the services
    call first) refuses a person who may not write, so a viewer posting ``{}`` gets the
    service's 403 and its words, not a 400 about fields."""

    lookup_value_regex = LOOKUP_ANY
    write_check: Callable[[Any], None] | None = None

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        check = type(self).write_check  # a plain function on the class, not a method
        if check is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
            check(request.user)
