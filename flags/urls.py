"""Pages of the flags app."""

from django.urls import path

from . import views

app_name = "flags"

urlpatterns = [
    path("", views.flag_list, name="flag-list"),
    path("early-warning/", views.flag_stats, name="flag-stats"),
    path("<int:pk>/", views.flag_detail, name="flag-detail"),
    path("<int:pk>/edit/", views.flag_edit, name="flag-edit"),
    path("<int:pk>/transition/", views.flag_transition, name="flag-transition"),
    path("projects/<slug:slug>/", views.project_flags, name="project-flags"),
    path("projects/<slug:slug>/new/", views.flag_create, name="flag-create"),
]
