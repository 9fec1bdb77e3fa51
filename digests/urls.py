"""Pages of the digests app."""

from django.urls import path

from . import views

app_name = "digests"

urlpatterns = [
    path("", views.digest_settings, name="settings"),
    path("preview/", views.digest_preview, name="preview"),
    path("preview/email/", views.digest_preview_email, name="preview-email"),
    path("archive/<int:pk>/", views.archive_detail, name="archive-detail"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
