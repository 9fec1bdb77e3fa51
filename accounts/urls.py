"""HTML routes of the accounts app under /accounts/."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("token/", views.api_tokens, name="api-token"),
    path("token/<int:pk>/revoke/", views.api_token_revoke, name="api-token-revoke"),
]
