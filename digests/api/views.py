"""API views of the digests app: deliveries (own, or everyone's for admins), this week's
preview, and the signed-in person's preferences."""

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Role
from accounts.permissions import user_has_role
from core.api.views import ERRORS_ONE, ERRORS_READ, ERRORS_WRITE, ID, LOOKUP_ANY

from .. import emails, selectors, services
from ..models import DigestPreference
from . import serializers as s


@extend_schema_view(
    list=extend_schema(
        summary="List digest deliveries (yours; everyone's for admins)",
        responses={200: s.DeliverySerializer(many=True), **ERRORS_READ},
    ),
    retrieve=extend_schema(
        parameters=[*ID],
        summary="A digest delivery",
        responses={200: s.DeliverySerializer, **ERRORS_ONE},
    ),
)
class DigestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Weekly digests: one per person and week."""

    serializer_class = s.DeliverySerializer
    lookup_value_regex = LOOKUP_ANY
    filter_backends: list = []

    def get_queryset(self):
        deliveries = selectors.delivery_list()
        if user_has_role(self.request.user, Role.ADMIN):
            return deliveries
        return deliveries.filter(user=self.request.user)

    @extend_schema(
        summary="Preview this week's digest", responses={200: s.PreviewSerializer, **ERRORS_READ}
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def preview(self, request: Request) -> Response:
        user = request.user
        schedule, start, end = selectors.preview_period(user)
        digest = selectors.digest_build(user, start=start, end=end)
        week = schedule.week
        message = emails.render(digest, week_label=services._week_label(week))
        return Response(
            s.PreviewSerializer(
                {
                    "week": week,
                    "empty": digest.empty,
                    **message,
                    "sections": [
                        {"key": x["key"], "title": x["title"], "count": x["count"]}
                        for x in digest.sections
                    ],
                }
            ).data
        )

    @extend_schema(
        methods=["GET"],
        summary="Your digest settings",
        responses={200: s.PreferenceSerializer, **ERRORS_READ},
    )
    @extend_schema(
        methods=["PATCH"],
        summary="Change your digest settings",
        request=s.PreferenceUpdateSerializer,
        responses={
            200: s.PreferenceSerializer,
            **{k: v for k, v in ERRORS_WRITE.items() if k != 404},
        },
    )
    @action(detail=False, methods=["get", "patch"], pagination_class=None)
    def preferences(self, request: Request) -> Response:
        if request.method == "PATCH":
            serializer = s.PreferenceUpdateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            services.preference_update(
                person=request.user, actor=request.user, **serializer.validated_data
            )
        preference = DigestPreference.objects.filter(user=request.user).first()
        if preference is None:  # never chosen: the defaults
            return Response(
                {
                    "enabled": True,
                    "weekday": DigestPreference.DEFAULT_WEEKDAY,
                    "hour": DigestPreference.DEFAULT_HOUR,
                    "time_zone": settings.TIME_ZONE,
                    "muted_projects": [],
                    "updated_at": None,
                }
            )
        return Response(s.PreferenceSerializer(preference).data)
