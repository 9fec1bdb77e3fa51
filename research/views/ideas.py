"""Idea pages: the idea itself, editing, moving, reordering and promoting it."""

from datetime import datetime, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import submit_form

from .. import selectors, series, services
from ..forms import (
    IdeaForm,
    IdeaTaskForm,
    MoveForm,
    PromoteConfirmForm,
    PromoteFormSet,
    ReadingFilterForm,
    ReadingForm,
)
from ..models import Status
from ..permissions import can_edit_idea, can_manage_boards, can_mark_task, require_edit_idea
from ..transitions import IDEA_TRANSITIONS
from ._common import answer_post, refusal_text, safe_next, url_maker, wants_json


def idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An idea: its progress per metric, a chart of each metric's whole history, its
    readings a page at a time, its tasks.

    The charts fetch their series from the API (``/api/v1/ideas/{id}/series/``): a
    downsampled history of a million readings takes longer to aggregate than the page
    itself, so the page answers first and each chart draws when its series arrives.
    """
    idea = get_object_or_404(selectors.idea_detail(), pk=pk)
    since_days = selectors.since_days_parse(request.GET.get("since"))
    metrics = list(selectors.board_metrics(idea.board))
    progress = selectors.progress_for_ideas([idea], since_days=since_days)
    series_url = reverse("api:idea-series", kwargs={"pk": idea.pk})
    charts = [
        {
            "id": f"chart-{metric.pk}",
            "data_id": f"chart-{metric.pk}-data",
            "metric": metric,
            "progress": progress.get((idea.pk, metric.pk)),
            "data": {
                "metric": metric.pk,
                "name": str(metric),
                "direction": metric.get_direction_display(),
                "baseline": metric.baseline,
                "target": metric.target,
                "url": series_url,
                "points": series.DEFAULT_POINTS,
            },
        }
        for metric in metrics
    ]
    can_edit = can_edit_idea(request.user, idea)
    return render(
        request,
        "research/idea_detail.html",
        {
            "title": idea.title,
            "idea": idea,
            "board": idea.board,
            "project": idea.board.project,
            "project_url": idea.board.project.get_absolute_url(),
            "since_days": since_days,
            "charts": charts,
            **_readings_table(request, idea),
            "tasks": [
                (task, can_mark_task(request.user, task, idea))
                for task in selectors.idea_tasks(idea)
            ],
            "status_changes": selectors.idea_status_history(idea),
            "today": timezone.localdate(),
            "can_edit": can_edit,
            "can_manage": can_manage_boards(request.user),
            "move_form": MoveForm(idea=idea) if can_edit else None,
            "reading_form": ReadingForm(metrics=selectors.board_metrics(idea.board))
            if can_edit
            else None,
            "task_form": IdeaTaskForm() if can_edit else None,
        },
    )


def _readings_table(request: HttpRequest, idea) -> dict:
    """The readings table's filters, its page (keyset cursors ``older``/``newer``) and links."""
    form = ReadingFilterForm(request.GET or None, prefix="readings")
    filters = form.cleaned_data if form.is_valid() else {}
    start, end = filters.get("start"), filters.get("end")
    page = selectors.idea_readings_page(
        idea,
        source=filters.get("source", ""),
        start=_day_start(start) if start else None,
        end=_day_start(end + timedelta(days=1)) if end else None,
        older_than=selectors.reading_cursor_parse(request.GET.get("older")),
        newer_than=selectors.reading_cursor_parse(request.GET.get("newer")),
    )
    kept = request.GET.copy()
    for key in ("older", "newer"):
        kept.pop(key, None)

    def link(**cursor) -> str:
        query = kept.copy()
        query.update(cursor)
        return f"?{query.urlencode()}#readings"

    delete_url = url_maker("research:reading-delete")  # one reverse, not one per row
    for reading in page.rows:
        reading.delete_url = delete_url(reading.pk)
    return {
        "reading_filter": form,
        "readings": page.rows,
        "reading_total": _count_text(selectors.idea_reading_count(idea)),
        "readings_filtered": bool(filters.get("source") or start or end),
        "readings_older_url": link(older=page.older) if page.older else "",
        "readings_newer_url": link(newer=page.newer) if page.newer else "",
        "readings_newest_url": f"?{kept.urlencode()}#readings" if page.newer else "",
    }


def _count_text(count: int) -> str:
    cap = selectors.READING_COUNT_CAP
    return f"more than {cap:,}" if count > cap else f"{count:,}"


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


@require_http_methods(["GET", "POST"])
def idea_edit(request: HttpRequest, pk: int) -> HttpResponse:
    idea = get_object_or_404(selectors.idea_with_board(), pk=pk)
    require_edit_idea(request.user, idea)
    can_assign = can_manage_boards(request.user)
    initial = {
        "title": idea.title,
        "hypothesis": idea.hypothesis,
        "maturity": idea.maturity,
        "owner": idea.owner_id,
    }
    form = IdeaForm(request.POST or None, initial=initial, can_assign=can_assign)
    if request.method == "POST" and submit_form(
        form, services.idea_update, idea=idea, actor=request.user
    ):
        messages.success(request, "Idea saved.")
        return redirect(idea)
    return render(
        request,
        "research/form_page.html",
        {"title": f"Edit “{idea.title}”", "form": form, "action": request.path, "back": idea},
        status=400 if form.errors else 200,
    )


@require_POST
def idea_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an idea (the board's select + "Move" button, and its drag and drop).

    Promoting without tasks sends the person to the promotion page to break the idea down.
    """
    idea = get_object_or_404(selectors.idea_with_board(), pk=pk)
    default_next = reverse("research:board-detail", kwargs={"pk": idea.board_id})
    next_url = safe_next(request, default_next)
    to = request.POST.get("to", "")
    promote_url = reverse("research:idea-promote", kwargs={"pk": idea.pk})
    promotable = Status.PROMOTED in IDEA_TRANSITIONS.get(idea.status, frozenset())
    if (
        to == Status.PROMOTED
        and promotable
        and (not selectors.idea_has_tasks(idea) or services.promotion_below_bar(idea))
    ):
        # The promotion page asks for the breakdown and, below the gain bar, a confirmation.
        if wants_json(request):
            return JsonResponse({"redirect": promote_url})
        return redirect(promote_url)
    moved, refused = answer_post(
        request,
        lambda: services.idea_transition(
            idea=idea,
            to=to,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            expected_from=request.POST.get("from") or None,
        ),
        next_url=next_url,
        prefix=f"“{idea.title}” was not moved: ",
    )
    if refused:
        return refused
    idea = moved
    if wants_json(request):
        return JsonResponse({"status": idea.status, "label": idea.get_status_display()})
    messages.success(request, f"“{idea.title}” moved to {idea.get_status_display()}.")
    return redirect(next_url)


@require_POST
def idea_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a card at another place in its column (drag and drop, or the Up/Down buttons)."""
    idea = get_object_or_404(selectors.idea_with_board(), pk=pk)
    next_url = safe_next(request, reverse("research:board-detail", kwargs={"pk": idea.board_id}))
    try:
        index = int(request.POST.get("index", ""))
    except ValueError:
        index = None
    _, refused = answer_post(
        request,
        lambda: services.idea_reorder(idea=idea, index=index, actor=request.user),
        next_url=next_url,
    )
    if refused:
        return refused
    if wants_json(request):
        return JsonResponse({"ok": True})
    return redirect(next_url)


@require_http_methods(["GET", "POST"])
def idea_promote(request: HttpRequest, pk: int) -> HttpResponse:
    """Promote an idea, breaking it down into engineering tasks on the way; below the
    board's gain bar the page says so and asks for a confirmation."""
    idea = get_object_or_404(selectors.idea_with_board(), pk=pk)
    require_edit_idea(request.user, idea)
    formset = PromoteFormSet(request.POST or None, prefix="tasks")
    below = services.promotion_below_bar(idea)
    confirm = PromoteConfirmForm(request.POST or None) if below else None
    error_text = ""
    if request.method == "POST" and formset.is_valid() and (confirm is None or confirm.is_valid()):
        tasks = [
            {"title": form.cleaned_data["title"], "owner": form.cleaned_data.get("owner")}
            for form in formset.forms
            if form.cleaned_data.get("title")
        ]
        promoted, error_text = refusal_text(
            lambda: services.idea_transition(
                idea=idea,
                to=Status.PROMOTED,
                actor=request.user,
                tasks=tasks,
                confirm_below_bar=bool(confirm and confirm.cleaned_data["confirm_below_bar"]),
            )
        )
        if promoted:
            note = " below the gain bar" if below else ""
            messages.success(
                request,
                f"“{idea.title}” promoted{note} with {len(tasks)} task{pluralize(len(tasks))}.",
            )
            return redirect(idea)
    return render(
        request,
        "research/idea_promote.html",
        {
            "title": f"Promote “{idea.title}”",
            "idea": idea,
            "formset": formset,
            "existing_tasks": list(selectors.idea_tasks(idea)),
            "error_text": error_text,
            "below_bar": below[2] if below else "",
            "confirm": confirm,
        },
        # a post without the management form has no form errors, only non-form ones
        status=400
        if (
            error_text
            or (formset.is_bound and not formset.is_valid())
            or (confirm is not None and confirm.is_bound and not confirm.is_valid())
        )
        else 200,
    )
