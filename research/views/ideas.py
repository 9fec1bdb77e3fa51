"""Idea pages: the idea itself, editing, moving, reordering and promoting it."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import submit_form

from .. import selectors, services
from ..forms import IdeaForm, IdeaTaskForm, MoveForm, PromoteFormSet, ReadingForm
from ..models import Status
from ..permissions import can_edit_idea, can_manage_boards, can_mark_task, require_edit_idea
from ..transitions import IDEA_TRANSITIONS
from ._common import answer_post, refusal_text, safe_next, wants_json


def idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An idea: its progress per metric, a chart of each metric's history, readings, tasks."""
    idea = get_object_or_404(selectors.idea_detail(), pk=pk)
    since_days = selectors.since_days_parse(request.GET.get("since"))
    metrics = list(selectors.board_metrics(idea.board))
    progress = selectors.progress_for_ideas([idea], since_days=since_days)
    history = selectors.idea_metric_history(idea, metrics)
    charts = [
        {
            "id": f"chart-{metric.pk}",
            "data_id": f"chart-{metric.pk}-data",
            "metric": metric,
            "progress": progress.get((idea.pk, metric.pk)),
            "data": {
                "name": str(metric),
                "direction": metric.get_direction_display(),
                "baseline": metric.baseline,
                "target": metric.target,
                "points": [[moment.isoformat(), value] for moment, value in history[metric.pk]],
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
            "readings": selectors.idea_readings(idea),
            "reading_total": selectors.idea_reading_count(idea),
            "tasks": [
                (task, can_mark_task(request.user, task, idea))
                for task in selectors.idea_tasks(idea)
            ],
            "status_changes": selectors.idea_status_history(idea),
            "can_edit": can_edit,
            "can_manage": can_manage_boards(request.user),
            "move_form": MoveForm(idea=idea) if can_edit else None,
            "reading_form": ReadingForm(metrics=selectors.board_metrics(idea.board))
            if can_edit
            else None,
            "task_form": IdeaTaskForm() if can_edit else None,
        },
    )


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
    if to == Status.PROMOTED and promotable and not selectors.idea_has_tasks(idea):
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
    messages.success(request, f"“{idea.title}” moved to {idea.get_status_display().lower()}.")
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
    """Promote an idea, breaking it down into engineering tasks on the way."""
    idea = get_object_or_404(selectors.idea_with_board(), pk=pk)
    require_edit_idea(request.user, idea)
    formset = PromoteFormSet(request.POST or None, prefix="tasks")
    error_text = ""
    if request.method == "POST" and formset.is_valid():
        tasks = [
            {"title": form.cleaned_data["title"], "owner": form.cleaned_data.get("owner")}
            for form in formset.forms
            if form.cleaned_data.get("title")
        ]
        promoted, error_text = refusal_text(
            lambda: services.idea_transition(
                idea=idea, to=Status.PROMOTED, actor=request.user, tasks=tasks
            )
        )
        if promoted:
            messages.success(
                request, f"“{idea.title}” promoted with {len(tasks)} task{pluralize(len(tasks))}."
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
        },
        # a post without the management form has no form errors, only non-form ones
        status=400 if (error_text or (formset.is_bound and not formset.is_valid())) else 200,
    )
