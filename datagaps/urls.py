"""HTML routes of the data-gaps app, under /data-gaps/."""

from django.urls import path

from . import views

app_name = "datagaps"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.create, name="create"),
    path("similar/", views.similar, name="similar"),
    path("bulk/", views.bulk, name="bulk"),
    path("recurring/", views.recurring, name="recurring"),
    path("recurring/link/", views.link, name="link"),
    path("stats/", views.stats, name="stats"),
    path("projects/<slug:slug>/", views.project_tab, name="project"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/snooze/", views.snooze, name="snooze"),
    path("<int:pk>/watch/", views.watch, name="watch"),
    path("<int:pk>/unwatch/", views.unwatch, name="unwatch"),
]
