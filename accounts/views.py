"""The signed-in person's own account pages: personal API tokens."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import submit_form

from . import selectors, services
from .forms import ApiTokenForm
from .models import ApiToken


@never_cache
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List the person's tokens and create one; a new key is shown once, on this answer."""
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST":
        result = submit_form(form, services.api_token_create, user=request.user, actor=request.user)
        if result is not None:
            token, new_key = result
            form = ApiTokenForm()
            messages.success(
                request, f"Created “{token.name}”. Copy its key now: it is shown once."
            )
    return render(
        request,
        "registration/api_token.html",
        {
            "title": "API tokens",
            "form": form,
            "new_key": new_key,
            "tokens": selectors.api_token_list(request.user),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, f"Revoked “{token.name}”; it no longer works.")
    return redirect("api-token")
