"""The signed-in person's own account pages: the personal API token."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from . import services


@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    """Show, create, regenerate or revoke the person's API token (for scripts and jobs)."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.api_token_revoke(user=request.user)
            messages.success(request, "Your API token was revoked.")
        else:
            had_one = Token.objects.filter(user=request.user).exists()
            services.api_token_regenerate(user=request.user)
            messages.success(
                request,
                "A new API token was created; the old one no longer works."
                if had_one
                else "Your API token was created.",
            )
        return redirect("api-token")
    token = Token.objects.filter(user=request.user).first()
    return render(request, "registration/api_token.html", {"title": "API token", "token": token})
