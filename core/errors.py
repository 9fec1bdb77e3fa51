"""What Tandem answers when a request fails on the server's side.

A request that fails because PostgreSQL is unreachable is not a bug: it is an outage that
ends by itself (connections are re-established on the next request). It gets a 503 with
``Retry-After`` — a plain page for browsers, JSON for the API — instead of the generic 500.
Both are rendered without touching the database (no context processors, no session).
"""

import logging
import sys

from django import db
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

# Seconds a client should wait before trying again while the database is unreachable.
RETRY_AFTER_SECONDS = 30


def _database_unavailable(exc: BaseException | None) -> bool:
    """True for errors that mean "the database cannot be reached", not "the query was bad"."""
    while exc is not None:
        if isinstance(exc, db.OperationalError | db.InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 of a database outage."""
    if _wants_json(request):
        response = JsonResponse(
            {"detail": "Tandem's database is unavailable; try again shortly."}, status=503
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a 503 during a database outage, else the plain 500 page or JSON."""
    if _database_unavailable(sys.exc_info()[1]):
        logger.warning("Database unavailable while serving %s", request.path)
        return service_unavailable(request)
    if _wants_json(request):
        return JsonResponse({"detail": "Server error; it has been logged."}, status=500)
    return HttpResponse(loader.get_template("500.html").render(), status=500)
