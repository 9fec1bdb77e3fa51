"""HTML views of the projects app: parse input, call a selector or a service, render."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health


def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in person's home page; later slices add their panels."""
    return render(request, "projects/dashboard.html", {"title": "Dashboard"})


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
