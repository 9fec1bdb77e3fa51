"""Routes of the activity log under /api/v1/."""

from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("activity", views.ActivityViewSet, basename="activity")

urlpatterns = router.urls
