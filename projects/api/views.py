"""API views of the projects app: thin adapters over selectors and services."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .serializers import PersonSerializer


class MeView(APIView):
    """The signed-in person."""

    @extend_schema(responses=PersonSerializer)
    def get(self, request: Request) -> Response:
        return Response(PersonSerializer(request.user).data)
