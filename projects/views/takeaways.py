"""Takeaways: the feed, one on its own page, sharing and editing one."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from core.forms import submit_form

from .. import permissions, selectors, services
from ..filters import TakeawayFilter
from ..forms import TakeawayForm
from ..models import Takeaway
from ._common import _filtered, _paginate


def takeaway_list(request: HttpRequest) -> HttpResponse:
    """The takeaways feed, filterable by project, tag and author."""
    filterset = TakeawayFilter(request.GET or None, queryset=selectors.takeaway_list())
    return render(
        request,
        "projects/takeaway_list.html",
        {
            "title": "Takeaways",
            "filter": filterset,
            "page": _paginate(request, _filtered(filterset), 20),
        },
    )


def _takeaway_url(takeaway: Takeaway) -> str:
    return takeaway.get_absolute_url()


def takeaway_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One takeaway on its own page: where search results and the digest can link to it,
    however far down the feed it has gone."""
    takeaway = get_object_or_404(selectors.takeaway_list(), pk=pk)
    return render(
        request,
        "projects/takeaway_detail.html",
        {"title": takeaway.title, "takeaway": takeaway},
    )


def takeaway_create(request: HttpRequest) -> HttpResponse:
    permissions.require_share_takeaways(request.user)
    initial = {}
    if rotation := selectors.rotation_of_person(request.user, request.GET.get("rotation", "")):
        initial = {"rotation": rotation.pk, "project": rotation.project_id}
    elif project := selectors.project_by_slug(request.GET.get("project", "")):
        initial = {"project": project.pk}
    form = TakeawayForm(request.POST or None, initial=initial, author=request.user)
    if request.method == "POST":
        takeaway = submit_form(form, services.takeaway_create, actor=request.user)
        if takeaway is not None:
            messages.success(request, "Takeaway shared. Thank you!")
            return redirect(_takeaway_url(takeaway))
    return render(
        request, "projects/takeaway_form.html", {"title": "Share a takeaway", "form": form}
    )


def takeaway_edit(request: HttpRequest, pk: int) -> HttpResponse:
    takeaway = get_object_or_404(selectors.takeaway_list(), pk=pk)
    permissions.require_edit_takeaway(request.user, takeaway)
    if request.method == "POST" and request.POST.get("action") == "delete":
        services.takeaway_delete(takeaway=takeaway, actor=request.user)
        messages.success(request, "Takeaway deleted.")
        return redirect("projects:takeaway-list")
    form = TakeawayForm(request.POST or None, instance=takeaway, author=takeaway.author)
    if request.method == "POST":
        saved = submit_form(form, services.takeaway_update, takeaway=takeaway, actor=request.user)
        if saved is not None:
            messages.success(request, "Takeaway saved.")
            return redirect(_takeaway_url(saved))
    return render(
        request,
        "projects/takeaway_form.html",
        {"title": "Edit takeaway", "form": form, "takeaway": takeaway},
    )
