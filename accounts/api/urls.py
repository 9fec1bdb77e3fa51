"""Routes of the accounts app under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("people", views.PersonViewSet, basename="person")
router.register("tokens", views.ApiTokenViewSet, basename="token")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    *router.urls,
]
