"""Routes of the projects app under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    *router.urls,
]
