"""Views with no domain: the health check, the JSON 404 for unknown API paths and the
header search's page."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.http import escape_leading_slashes
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from . import health
from .registries import search_providers
from .search import PER_TYPE, SearchGroup, search_query_clean, search_run, search_type_clean


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status: 200 when both answer, 503 otherwise."""
    checks = {"database": health.database_status(), "broker": health.broker_status()}
    healthy = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


def _is_endpoint(path: str) -> bool:
    """True when ``path`` is a real API endpoint (not this catch-all)."""
    try:
        return resolve(path).func is not api_not_found
    except Resolver404:
        return False


@login_not_required
@csrf_exempt  # it changes nothing; a POST to a wrong path deserves a 404, not a CSRF page
def api_not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """A JSON 404 for unknown URLs under /api/ (integrations parse JSON, not HTML pages).

    It also stands in for ``APPEND_SLASH`` under /api/: a read of an endpoint without its
    trailing slash is redirected to it; a write is not (a redirect would drop its body), so
    it answers 404 and names the right path.
    """
    detail = f"No API endpoint at {request.path}."
    if not request.path_info.endswith("/") and _is_endpoint(request.path_info + "/"):
        if request.method in ("GET", "HEAD"):
            path = escape_leading_slashes(request.get_full_path(force_append_slash=True))
            return HttpResponsePermanentRedirect(path)
        detail += f" API paths end in a slash: send it to {request.path}/."
    return JsonResponse({"detail": f"{detail} See /api/docs/ for the endpoints."}, status=404)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The header search's page: results grouped by type, or one type with more of them.

    An empty box shows the page with no results; a refused query shows its message.
    """
    raw_query = request.GET.get("q", "")
    groups: list[SearchGroup] = []
    errors: list[str] = []
    query = " ".join(raw_query.split())
    type_ = ""
    if query:
        try:
            query = search_query_clean(raw_query)
            type_ = search_type_clean(request.GET.get("type", ""))
            groups = search_run(request.user, query, type=type_)
        except ValidationError as error:
            errors = [message for messages in error.message_dict.values() for message in messages]
    count = sum(len(group.hits) for group in groups)
    return render(
        request,
        "core/search.html",
        {
            "title": f"Search: {query}" if query else "Search",
            "query": query,
            "type": type_,
            "types": [(p.key, p.label) for p in search_providers()],
            "groups": groups,
            "count": count,
            "errors": errors,
            "per_type": PER_TYPE,
        },
    )
