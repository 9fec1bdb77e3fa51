"""API views of the accounts app: people, the signed-in person and their tokens."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.filters import PersonFilter
from core.api.exceptions import ErrorSerializer
from core.api.views import ERRORS_ONE, ERRORS_READ, ERRORS_WRITE, LOOKUP_ANY, crud_schema

from .serializers import ApiTokenCreatedSerializer, ApiTokenSerializer, PersonSerializer


class MeView(APIView):
    """The signed-in person."""

    @extend_schema(responses={200: PersonSerializer, 401: ErrorSerializer})
    def get(self, request: Request) -> Response:
        return Response(PersonSerializer(request.user).data)


@extend_schema_view(**crud_schema(PersonSerializer, writable=False))
class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """People (read-only here; admins manage people in the admin)."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    lookup_value_regex = LOOKUP_ANY
    ordering_fields = ["username", "first_name", "last_name"]

    def get_queryset(self):
        return selectors.person_list()


@extend_schema_view(
    list=extend_schema(responses={200: ApiTokenSerializer(many=True), **ERRORS_READ}),
    create=extend_schema(
        request=ApiTokenSerializer,
        responses={201: ApiTokenCreatedSerializer, **ERRORS_WRITE},
        description="Create a personal token; the answer carries its key, shown only once.",
    ),
    destroy=extend_schema(
        responses={204: None, **ERRORS_ONE}, description="Revoke the token at once."
    ),
)
class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your personal API tokens: list, create (key shown once), revoke."""

    serializer_class = ApiTokenSerializer
    lookup_value_regex = LOOKUP_ANY
    filter_backends: list = []

    def get_queryset(self):
        if self.action == "destroy":
            # Any token's id: the service decides who may revoke it and says why (403).
            return selectors.api_token_any()
        return selectors.api_token_list(self.request.user)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = ApiTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = services.api_token_create(
            user=request.user, actor=request.user, **serializer.validated_data
        )
        token.key = key
        return Response(ApiTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        services.api_token_revoke(token=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
