"""Routes of the digests app under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("digests", views.DigestViewSet, basename="digest")

urlpatterns = [*router.urls]
