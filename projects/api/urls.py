"""Routes of the projects app under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("projects", views.ProjectViewSet, basename="project")
router.register("targets", views.TargetViewSet, basename="target")
router.register("rotations", views.RotationViewSet, basename="rotation")
router.register("people", views.PersonViewSet, basename="person")
router.register("takeaways", views.TakeawayViewSet, basename="takeaway")
router.register("activity", views.ActivityViewSet, basename="activity")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    *router.urls,
]
