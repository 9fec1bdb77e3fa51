"""The signed-in person's home page; later apps add panels to it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.registries import dashboard_panels

from .. import selectors


def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in person's home: their projects and rotations, who rolls off soon, the
    demand still to staff and the takeaways they were asked for. Later apps add panels."""
    today = timezone.localdate()
    home = selectors.dashboard(request.user, today=today)
    context = {
        "title": "Dashboard",
        "my_projects": home.my_projects,
        "my_rotations": home.my_rotations,
        "rolling_off": home.rolling_off,
        "unfilled": home.unfilled,
        "takeaways_due": home.takeaways_due,
        "today": today,
        "slice_panels": dashboard_panels(request.user),
    }
    return render(request, "projects/dashboard.html", context)
