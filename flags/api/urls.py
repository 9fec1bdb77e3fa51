"""Routes of the flags app under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("flags", views.FlagViewSet, basename="flag")

urlpatterns = [*router.urls]
