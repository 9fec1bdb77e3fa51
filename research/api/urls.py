"""Routes of the research app under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("boards", views.BoardViewSet, basename="board")
router.register("metrics", views.MetricViewSet, basename="metric")
router.register("ideas", views.IdeaViewSet, basename="idea")
router.register("readings", views.ReadingViewSet, basename="reading")
router.register("tasks", views.TaskViewSet, basename="task")

urlpatterns = [*router.urls]
