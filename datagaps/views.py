"""HTML views of the data-gaps app: parse input, call a selector or a service, render.

Who may act is decided by ``datagaps.permissions`` (the services call it on every write;
``PermissionDenied`` becomes the 403 page with its message); pages offer only what the same
``can_*`` predicates allow.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import Conflict
from core.filters import filters_or_default
from core.forms import apply_service_errors, submit_form
from core.registries import project_tabs
from core.text import counted
from projects.selectors import project_list

from . import selectors, services
from .filters import QUEUE_DEFAULT, DataGapFilter
from .forms import BulkForm, DataGapEditForm, DataGapForm, LinkForm, SnoozeForm, TransitionForm
from .models import DataGap, Status
from .permissions import can_edit, can_file, can_triage, require_edit, require_file
from .transitions import REQUESTER_MOVES, allowed_statuses

PER_PAGE = 50


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


def _filtered(filterset):
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs


def _page(request: HttpRequest, queryset):
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return page


# --- the queue ---------------------------------------------------------------------------


def queue(request: HttpRequest, bulk_form: BulkForm | None = None) -> HttpResponse:
    """The data engineers' queue: filters, sorting, bulk triage and assignment."""
    data = filters_or_default(request.GET, QUEUE_DEFAULT)
    filterset = DataGapFilter(data, queryset=selectors.datagap_queue())
    triager = can_triage(request.user)
    return render(
        request,
        "datagaps/queue.html",
        {
            "title": "Data-gap queue",
            "filter": filterset,
            "page": _page(request, _filtered(filterset)),
            "can_triage": triager,
            "can_file": can_file(request.user),
            "bulk_form": bulk_form or (BulkForm() if triager else None),
        },
        status=400 if bulk_form is not None and bulk_form.errors else 200,
    )


@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Triage, or assign, the ticked requests of the queue: all of them or none."""
    form = BulkForm(request.POST)
    if form.is_valid():
        chosen = list(form.cleaned_data["requests"])
        try:
            if form.cleaned_data["action"] == "triage":
                services.datagap_bulk_triage(requests=chosen, actor=request.user)
                done = "triaged"
            else:
                services.datagap_bulk_assign(
                    requests=chosen, assignee=form.cleaned_data["assignee"], actor=request.user
                )
                done = "assigned"
        except ValidationError as error:
            apply_service_errors(form, error)
        except Conflict as stale:
            form.add_error(None, str(stale))
        else:
            messages.success(request, f"{counted(len(chosen), 'request')} {done}.")
            return redirect(_safe_next(request, reverse("datagaps:queue")))
    return queue(request, bulk_form=form)


def project_tab(request: HttpRequest, slug: str) -> HttpResponse:
    """A project's requests, newest first (the project page's "Data gaps" tab)."""
    project = get_object_or_404(project_list(), slug=slug)
    requests = selectors.datagap_list().filter(project=project).order_by("-created_at", "-id")
    return render(
        request,
        "datagaps/project.html",
        {
            "title": project.name,
            "project": project,
            "tabs": project_tabs(project, "datagaps"),
            "page": _page(request, requests),
            "can_file": can_file(request.user),
        },
    )


# --- one request -----------------------------------------------------------------------------


def _detail_context(request: HttpRequest, gap: DataGap) -> dict:
    user = request.user
    triager, editor = can_triage(user), can_edit(user, gap)
    moves = [
        {"to": to, "label": Status(to).label}
        for to in allowed_statuses(gap.status)
        if triager or (to in REQUESTER_MOVES and editor)
    ]
    return {
        "title": gap.title,
        "gap": gap,
        "history": selectors.datagap_history(gap),
        "similar": selectors.datagap_similar_to(gap),
        "watching": any(w.pk == user.pk for w in gap.watchers.all()),
        "can_edit": editor,
        "can_triage": triager,
        "can_watch": can_file(user),
        "moves": moves,
        "snooze_form": SnoozeForm() if triager and gap.is_active else None,
    }


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    gap = get_object_or_404(selectors.datagap_detail(), pk=pk)
    return render(request, "datagaps/detail.html", _detail_context(request, gap))


@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    """A move from the request page; a refusal comes back on the page with its messages."""
    gap = get_object_or_404(selectors.datagap_list(), pk=pk)
    form = TransitionForm(request.POST)
    try:
        moved = submit_form(form, services.datagap_transition, request=gap, actor=request.user)
    except Conflict as stale:
        messages.error(request, str(stale))
        return redirect(gap)
    if moved is not None:
        messages.success(request, f"“{gap.title}” moved to {moved.get_status_display()}.")
        return redirect(gap)
    gap = selectors.datagap_detail().get(pk=pk)
    context = _detail_context(request, gap)
    failed_to = request.POST.get("to", "")
    context.update(failed_form=form, failed_to=failed_to)
    if failed_to not in {move["to"] for move in context["moves"]}:
        # A move the page does not offer (a stale page, a crafted post): say why at the top.
        context["stray_errors"] = [m for messages_ in form.errors.values() for m in messages_]
    return render(request, "datagaps/detail.html", context, status=400)


@require_POST
def snooze(request: HttpRequest, pk: int) -> HttpResponse:
    gap = get_object_or_404(selectors.datagap_list(), pk=pk)
    form = SnoozeForm(request.POST)
    try:
        done = submit_form(
            form,
            lambda until, expected_from: services.datagap_snooze(
                request=gap, until=until, actor=request.user, expected_from=expected_from
            ),
        )
    except Conflict as stale:
        messages.error(request, str(stale))
        return redirect(gap)
    if done is not None:
        until = done.snoozed_until
        messages.success(request, f"Snoozed until {until:%d %b %Y}." if until else "Snooze ended.")
        return redirect(gap)
    gap = selectors.datagap_detail().get(pk=pk)
    context = _detail_context(request, gap)
    context["snooze_form"] = form
    return render(request, "datagaps/detail.html", context, status=400)


@require_POST
def watch(request: HttpRequest, pk: int) -> HttpResponse:
    gap = get_object_or_404(selectors.datagap_list(), pk=pk)
    services.datagap_watch(request=gap, actor=request.user)
    messages.success(request, f"You are watching “{gap.title}”: you will hear when it moves.")
    return redirect(_safe_next(request, gap.get_absolute_url()))


@require_POST
def unwatch(request: HttpRequest, pk: int) -> HttpResponse:
    gap = get_object_or_404(selectors.datagap_list(), pk=pk)
    services.datagap_unwatch(request=gap, actor=request.user)
    messages.success(request, f"You no longer watch “{gap.title}”.")
    return redirect(_safe_next(request, gap.get_absolute_url()))


# --- filing and editing ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """File a request; similar earlier requests show while it is typed (``similar``)."""
    require_file(request.user)
    initial = {}
    if slug := request.GET.get("project"):
        initial["project"] = project_list().filter(slug=slug).values_list("pk", flat=True).first()
    if (idea := request.GET.get("idea", "")).isdigit():
        initial["idea"] = int(idea)
    form = DataGapForm(request.POST or None, initial=initial)
    if request.method == "POST":
        gap = submit_form(form, services.datagap_create, actor=request.user)
        if gap is not None:
            messages.success(request, f"Request #{gap.pk} filed. Data engineers will triage it.")
            return redirect(gap)
    similar = []
    if form.is_bound:
        similar = selectors.datagap_similar(
            f"{request.POST.get('title', '')}\n{request.POST.get('data_needed', '')}"
        )
    return render(
        request,
        "datagaps/form.html",
        {"title": "File a data-gap request", "form": form, "similar": similar, "creating": True},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    gap = get_object_or_404(selectors.datagap_list(), pk=pk)
    require_edit(request.user, gap)
    form = DataGapEditForm(request.POST or None, instance=gap, can_assign=can_triage(request.user))
    if request.method == "POST":
        saved = submit_form(form, services.datagap_update, request=gap, actor=request.user)
        if saved is not None:
            messages.success(request, "Request saved.")
            return redirect(saved)
    return render(
        request,
        "datagaps/form.html",
        {"title": f"Edit “{gap.title}”", "form": form, "gap": gap},
        status=400 if form.errors else 200,
    )


@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """The similar-requests panel of the create form, for htmx as the title is typed."""
    text = f"{request.GET.get('title', '')}\n{request.GET.get('data_needed', '')}"[:2000]
    if "\x00" in text:
        text = ""
    found = selectors.datagap_similar(text)
    return render(request, "datagaps/_similar.html", {"similar": found, "watch_buttons": True})


# --- recurring asks and figures -----------------------------------------------------------------


def recurring(request: HttpRequest, failed: LinkForm | None = None) -> HttpResponse:
    """Similar requests filed across projects, with a one-step link to a canonical one."""
    return render(
        request,
        "datagaps/recurring.html",
        {
            "title": "Recurring asks",
            "groups": selectors.datagap_recurring(),
            "can_triage": can_triage(request.user),
            "failed": failed,
        },
        status=400 if failed is not None else 200,
    )


@require_POST
def link(request: HttpRequest) -> HttpResponse:
    """Mark every request of a recurring group a duplicate of the one chosen."""
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            linked, skipped = services.datagap_link_duplicates(
                canonical=form.cleaned_data["canonical"],
                requests=list(form.cleaned_data["requests"]),
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except Conflict as stale:
            form.add_error(None, str(stale))
        else:
            canonical = form.cleaned_data["canonical"]
            text = (
                f"{counted(len(linked), 'request')} now "
                f"{'points' if len(linked) == 1 else 'point'} to #{canonical.pk}."
            )
            if skipped:
                text += f" {len(skipped)} closed or already linked, left as they were."
            messages.success(request, text)
            return redirect(canonical)
    return recurring(request, failed=form)


def stats(request: HttpRequest) -> HttpResponse:
    """Monthly medians of time to first triage and to delivery, and today's queue."""
    figures = selectors.datagap_stats()
    chart = {
        "months": [m["month"] for m in figures["months"]],
        "triage": [m["median_hours_to_triage"] for m in figures["months"]],
        "delivery": [m["median_hours_to_delivery"] for m in figures["months"]],
    }
    return render(
        request,
        "datagaps/stats.html",
        {"title": "Triage figures", "figures": figures, "chart": chart},
    )
