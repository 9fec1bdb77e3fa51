"""API views of the activity log (read-only)."""

from drf_spectacular.utils import extend_schema_view
from rest_framework import viewsets

from activity import selectors
from activity.filters import ActivityFilter
from core.api.views import LOOKUP_ANY, crud_schema

from .serializers import ActivitySerializer


@extend_schema_view(**crud_schema(ActivitySerializer, writable=False))
class ActivityViewSet(viewsets.ReadOnlyModelViewSet):
    """The activity log, newest first; filters: project, actor, event (repeatable), since."""

    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    lookup_value_regex = LOOKUP_ANY
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return selectors.activity_list()
