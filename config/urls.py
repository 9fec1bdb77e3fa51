"""Tandem's URL configuration."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api.urls import router as accounts_router
from activity.api.urls import router as activity_router
from core import views as core_views
from core.api.search import SearchView
from datagaps.api.urls import router as datagaps_router
from digests.api.urls import router as digests_router
from flags.api.urls import router as flags_router
from integrations.api.urls import router as integrations_router
from integrations.tracking import tracking_view
from projects import views as project_views
from projects.api.urls import router as projects_router
from research.api.urls import router as research_router

# One browsable root for /api/v1/ listing every app's resources (each app routes its own).
api_root = DefaultRouter()
for app_router in (
    accounts_router,
    activity_router,
    projects_router,
    research_router,
    datagaps_router,
    flags_router,
    digests_router,
    integrations_router,
):
    api_root.registry.extend(app_router.registry)

api_v1 = [
    path("", api_root.get_api_root_view(), name="api-root"),
    path("", include("accounts.api.urls")),
    path("", include("activity.api.urls")),
    path("", include("projects.api.urls")),
    path("", include("research.api.urls")),
    path("", include("datagaps.api.urls")),
    path("", include("flags.api.urls")),
    path("", include("digests.api.urls")),
    path("", include("integrations.api.urls")),
    path("search/", SearchView.as_view(), name="search"),
]

urlpatterns = [
    path("", project_views.dashboard, name="dashboard"),
    path("healthz", core_views.healthz, name="healthz"),
    path("search/", core_views.search, name="search"),
    path("accounts/", include("accounts.urls")),
    path("projects/", include("projects.urls")),
    path("research/", include("research.urls")),
    path("data-gaps/", include("datagaps.urls")),
    path("flags/", include("flags.urls")),
    path("digests/", include("digests.urls")),
    path("integrations/", include("integrations.urls")),
    # MLFLOW_TRACKING_URI=https://<host>/mlflow: the MLflow client's REST calls.
    re_path(
        r"^mlflow/(?:ajax-)?api/(?P<version>[0-9.]+)/mlflow/(?P<path>[\w./-]*?)/?$",
        tracking_view,
        name="mlflow-api",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # The split view loads its script from a URL: the CSP forbids inline scripts.
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="core/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("api/", RedirectView.as_view(pattern_name="api-docs", permanent=False)),
    # Anything else under /api/ is an unknown endpoint: answer JSON, as the API does, with or
    # without a trailing slash and for any method (a write must not meet the CSRF page). The
    # view redirects a read of a real endpoint missing its slash, as APPEND_SLASH would.
    re_path(r"^api/", core_views.api_not_found),
    path(
        "favicon.ico",
        login_not_required(RedirectView.as_view(url="/static/favicon.svg", permanent=True)),
    ),
]

# A database outage answers 503 with Retry-After (a page, or JSON under /api/), not a 500.
handler500 = "core.errors.server_error"
