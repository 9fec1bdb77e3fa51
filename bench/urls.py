"""Tandem's routes plus ``/bench/floor/``: pre-built JSON of the same size as the measured
response, through the same middleware, so the gap to it is what our view costs."""

import os
from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as tandem_urlpatterns

_FLOOR = Path(os.environ.get("BENCH_FLOOR_FILE", "/nonexistent"))
_BODY = _FLOOR.read_bytes() if _FLOOR.exists() else b"{}"


@login_not_required
def floor(request) -> HttpResponse:
    return HttpResponse(_BODY, content_type="application/json")


urlpatterns = [path("bench/floor/", floor), *tandem_urlpatterns]
