"""``GET /api/v1/search/?q=&type=``: the header search for integrations and chat bots."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.registries import search_providers
from core.search import MAX_QUERY_LENGTH, search_query_clean, search_run, search_type_clean

from .exceptions import ErrorSerializer, ValidationErrorSerializer


class SearchHitSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="The kind of result: projects, ideas, flags, ...")
    type_label = serializers.CharField()
    title = serializers.CharField()
    snippet = serializers.CharField(help_text="Plain text around the first matching word.")
    url = serializers.CharField(help_text="The result's page, a path on this site.")
    detail = serializers.CharField(help_text="A short line of context (status, project).")


class SearchAnswerSerializer(serializers.Serializer):
    q = serializers.CharField()
    type = serializers.CharField(allow_blank=True)
    count = serializers.IntegerField()
    results = SearchHitSerializer(many=True)


class SearchView(APIView):
    """Projects, boards, ideas, takeaways, people, data gaps and flags matching ``q``:
    best first within each type, the types in a fixed order, 5 of each (20 with ``type``)."""

    @extend_schema(
        operation_id="search",
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_LENGTH},
                required=True,
                description=f"Words to find (each as a prefix), 1 to {MAX_QUERY_LENGTH} "
                "characters, with at least one letter or digit.",
            ),
            OpenApiParameter(
                "type",
                OpenApiTypes.STR,
                # "" (as a form sends "every kind") is accepted as no filter, so it is listed.
                enum=["", *(provider.key for provider in search_providers())],
                description="Only this kind of result; empty or absent: every kind.",
            ),
        ],
        responses={
            200: SearchAnswerSerializer,
            400: OpenApiResponse(ValidationErrorSerializer, description="Empty or long q."),
            401: OpenApiResponse(ErrorSerializer, description="Not signed in."),
        },
    )
    def get(self, request: Request) -> Response:
        query = search_query_clean(request.query_params.get("q"))
        type_ = search_type_clean(request.query_params.get("type"))
        groups = search_run(request.user, query, type=type_)
        results = [hit for group in groups for hit in group.hits]
        return Response({"q": query, "type": type_, "count": len(results), "results": results})
