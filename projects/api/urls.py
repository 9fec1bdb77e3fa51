"""Routes of the projects app under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("projects", views.ProjectViewSet, basename="project")
router.register("targets", views.TargetViewSet, basename="target")
router.register("rotations", views.RotationViewSet, basename="rotation")
router.register("takeaways", views.TakeawayViewSet, basename="takeaway")
router.register("portfolio", views.PortfolioViewSet, basename="portfolio")

urlpatterns = router.urls
