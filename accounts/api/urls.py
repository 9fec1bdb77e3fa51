"""Routes of the accounts app under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("people", views.PersonViewSet, basename="person")
router.register("tokens", views.ApiTokenViewSet, basename="token")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    *router.urls,
]
