"""Routes of the data-gaps app under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("data-gaps", views.DataGapViewSet, basename="data-gap")

urlpatterns = [*router.urls]
