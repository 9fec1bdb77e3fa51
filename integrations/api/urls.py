"""Routes of the integrations app under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("runs", views.RunViewSet, basename="run")
router.register("metric-aliases", views.MetricAliasViewSet, basename="metric-alias")
router.register("webhook-endpoints", views.EndpointViewSet, basename="webhook-endpoint")
router.register("webhook-deliveries", views.DeliveryViewSet, basename="webhook-delivery")

urlpatterns = [
    *router.urls,
    path(
        "exports/ideas/<str:id>/readings/",
        views.IdeaReadingsExport.as_view(),
        name="export-idea-readings",
    ),
    path("exports/data-gaps/", views.DataGapQueueExport.as_view(), name="export-datagap-queue"),
    path(
        "exports/boards/<str:id>/ideas/",
        views.BoardIdeasExport.as_view(),
        name="export-board-ideas",
    ),
]
