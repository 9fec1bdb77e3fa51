"""Integration pages: webhook endpoints with their delivery log, attaching runs to ideas,
mapping run keys, and CSV downloads. Adapters over selectors and services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import submit_form
from research import selectors as research_selectors

from . import exports, selectors
from .forms import AliasForm, EndpointForm
from .models import Delivery
from .services import runs as run_services
from .services import webhooks as services


def endpoint_list(request: HttpRequest) -> HttpResponse:
    """Every webhook endpoint (admins)."""
    services.require_manage_webhooks(request.user)
    return render(
        request,
        "integrations/endpoint_list.html",
        {"title": "Webhook endpoints", "endpoints": list(selectors.endpoint_list())},
    )


@require_http_methods(["GET", "POST"])
def endpoint_create(request: HttpRequest) -> HttpResponse:
    services.require_manage_webhooks(request.user)
    form = EndpointForm(request.POST or None)
    if request.method == "POST":
        endpoint = submit_form(form, services.endpoint_create, actor=request.user)
        if endpoint is not None:
            return _show_secret(request, endpoint, "Endpoint registered.")
    return render(
        request,
        "integrations/endpoint_form.html",
        {"title": "New webhook endpoint", "form": form, "back": "integrations:endpoint-list"},
    )


def _show_secret(request: HttpRequest, endpoint, note: str) -> HttpResponse:
    """The one page that shows a secret; it is not shown again."""
    return render(
        request,
        "integrations/endpoint_secret.html",
        {"title": "Signing secret", "endpoint": endpoint, "note": note},
    )


def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An endpoint, its newest deliveries and each one's attempts, with redeliver and test."""
    services.require_manage_webhooks(request.user)
    endpoint = get_object_or_404(selectors.endpoint_detail(), pk=pk)
    return render(
        request,
        "integrations/endpoint_detail.html",
        {
            "title": f"Webhook · {endpoint.url}",
            "endpoint": endpoint,
            "deliveries": selectors.endpoint_deliveries(endpoint),
            "event_labels": services.event_choices(),
        },
    )


@require_http_methods(["GET", "POST"])
def endpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    services.require_manage_webhooks(request.user)
    endpoint = get_object_or_404(selectors.endpoint_detail(), pk=pk)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": endpoint.event_types,
        "active": endpoint.active,
    }
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST":
        updated = submit_form(form, services.endpoint_update, endpoint=endpoint, actor=request.user)
        if updated is not None:
            messages.success(request, "Endpoint saved.")
            return redirect(updated)
    return render(
        request,
        "integrations/endpoint_form.html",
        {"title": "Edit webhook endpoint", "form": form, "endpoint": endpoint},
    )


@require_POST
def endpoint_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(selectors.endpoint_detail(), pk=pk)
    endpoint = services.endpoint_rotate_secret(endpoint=endpoint, actor=request.user)
    return _show_secret(
        request, endpoint, "Secret rotated: the old one keeps signing for 24 hours as well."
    )


@require_POST
def endpoint_test(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(selectors.endpoint_detail(), pk=pk)
    services.endpoint_send_test(endpoint=endpoint, actor=request.user)
    messages.success(request, "Test event queued; its attempts appear below.")
    return redirect(endpoint)


@require_POST
def delivery_redeliver(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery.objects.select_related("endpoint"), pk=pk)
    try:
        services.delivery_redeliver(delivery=delivery, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Delivery {delivery.message_id} queued again (same id).")
    return redirect(delivery.endpoint)


@require_POST
def run_attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a run with no idea to this idea (chosen on the idea page)."""
    idea = get_object_or_404(research_selectors.idea_with_board(), pk=pk)
    run = selectors.run_by_id(request.POST.get("run") or "")
    if run is None:
        raise Http404("No such run.")
    try:
        run_services.run_attach_idea(run=run, idea=idea, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Run {run} is now on this idea; its metrics are readings.")
    return redirect(idea.get_absolute_url() + "#runs")


@require_POST
def alias_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Map a run key to one of the board's metrics (managers)."""
    board = get_object_or_404(research_selectors.board_detail(), pk=pk)
    form = AliasForm(request.POST)
    back = request.POST.get("next") or board.get_absolute_url()
    if not back.startswith("/") or back.startswith("//"):
        back = board.get_absolute_url()
    if not form.is_valid():
        messages.error(request, "Enter a key and choose a metric.")
        return redirect(back)
    metric = research_selectors.board_metrics(board).filter(pk=form.cleaned_data["metric"]).first()
    if metric is None:
        messages.error(request, "Choose one of this board's metrics.")
        return redirect(back)
    try:
        run_services.metric_alias_create(
            metric=metric, key=form.cleaned_data["key"], actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"'{form.cleaned_data['key']}' now records {metric.name}.")
    return redirect(back)


def idea_readings_csv(request: HttpRequest, pk: int) -> HttpResponse:
    idea = get_object_or_404(research_selectors.idea_with_board(), pk=pk)
    return exports.idea_readings_response(idea)


def datagap_queue_csv(request: HttpRequest) -> HttpResponse:
    """The data-gap queue as CSV, with the queue page's filters (its query string)."""
    try:
        return exports.datagap_queue_response(request.GET)
    except exports.QueueFilterInvalid as invalid:
        return HttpResponse(
            "Invalid filter: "
            + "; ".join(f"{k}: {' '.join(v)}" for k, v in invalid.errors.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )


def board_ideas_csv(request: HttpRequest, pk: int) -> HttpResponse:
    board = get_object_or_404(research_selectors.board_detail(), pk=pk)
    return exports.board_ideas_response(board, since_days=request.GET.get("since"))
