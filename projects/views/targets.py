"""A project's targets and scenarios: add one, and edit, move or delete one inline."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.forms import submit_form

from .. import selectors, services
from ..forms import TargetForm
from .projects import _plain_project_or_404


def _targets_anchor(slug: str) -> str:
    return reverse("projects:project-detail", kwargs={"slug": slug}) + "#targets"


def _flash_errors(request: HttpRequest, prefix: str, form) -> None:
    for field, errors in form.errors.items():
        label = "" if field == "__all__" else f"{field}: "
        messages.error(request, f"{prefix}: {label}{' '.join(errors)}")


@require_POST
def target_add(request: HttpRequest, slug: str) -> HttpResponse:
    project = _plain_project_or_404(slug)
    form = TargetForm(request.POST)
    if submit_form(form, services.target_create, project=project, actor=request.user) is None:
        _flash_errors(request, "Target not added", form)
    return redirect(_targets_anchor(slug))


@require_POST
def target_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Inline edit, move up/down or delete one target (the button pressed says which)."""
    target = get_object_or_404(selectors.target_list(), pk=pk, project__slug=slug)
    action = request.POST.get("action", "save")
    try:
        if action == "delete":
            services.target_delete(target=target, actor=request.user)
        elif action in ("up", "down"):
            services.target_move(target=target, actor=request.user, direction=action)
        else:
            form = TargetForm(request.POST)
            if submit_form(form, services.target_update, target=target, actor=request.user) is None:
                _flash_errors(request, "Target not saved", form)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_targets_anchor(slug))
