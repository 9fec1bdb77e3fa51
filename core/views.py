"""Views with no domain: the health check and the JSON 404 for unknown API paths."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from . import health


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


@login_not_required
@csrf_exempt  # it changes nothing; a POST to a wrong path deserves a 404, not a CSRF page
def api_not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """A JSON 404 for unknown URLs under /api/ (integrations parse JSON, not HTML pages)."""
    return JsonResponse(
        {"detail": f"No API endpoint at {request.path}. See /api/docs/ for the endpoints."},
        status=404,
    )
