"""HTML views of the research app: parse input, call a selector or a service, render.

Writes answer with a redirect (post/redirect/get) so every form works without JavaScript;
the board's drag and drop posts the same move form with ``Accept: application/json`` and
gets JSON back instead.
"""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import Conflict
from core.forms import apply_service_errors
from core.registries import project_tabs
from projects.models import Project

from . import selectors, services
from .forms import (
    BoardForm,
    BoardSettingsForm,
    IdeaForm,
    MetricForm,
    MoveForm,
    PromoteFormSet,
    ReadingForm,
    ReadingImportForm,
    TaskForm,
)
from .models import Board, Idea, Reading, Status, Task
from .permissions import can_create_ideas, can_edit_idea, can_manage_boards, can_mark_task
from .transitions import IDEA_TRANSITIONS, move_choices


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


# --- boards -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def project_boards(request: HttpRequest, slug: str) -> HttpResponse:
    """A project's boards, and the form a manager creates a new one with."""
    project = get_object_or_404(Project, slug=slug)
    form = BoardForm(request.POST or None)
    if request.method == "POST":
        if not can_manage_boards(request.user):
            raise PermissionDenied("You need the manager role to create boards.")
        if form.is_valid():
            try:
                board = services.board_create(
                    project=project, actor=request.user, **form.service_kwargs()
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Board “{board.title}” created.")
                return redirect(board)
    return render(
        request,
        "research/project_boards.html",
        {
            "title": f"Boards · {project.name}",
            "project": project,
            "tabs": project_tabs(project, "board"),
            "project_url": project.get_absolute_url(),
            "boards": selectors.boards_for_project(project),
            "tasks": selectors.tasks_for_project(project),
            "form": form,
            "can_manage": can_manage_boards(request.user),
        },
        status=400 if form.errors else 200,
    )


def _url_maker(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many pks at the cost of one reverse: boards render
    hundreds of cards, and per-card reversing was most of the page's time."""
    marker = 987654321
    prefix, suffix = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{prefix}{pk}{suffix}"


def _card(idea: Idea, primary, progress: dict, user, urls: dict) -> dict:
    return {
        "idea": idea,
        "primary": progress.get((idea.pk, primary.pk)) if primary else None,
        "can_move": can_edit_idea(user, idea),
        # The move form's choices, rendered by hand in _card.html (MoveForm validates posts).
        "move_choices": [(s, Status(s).label) for s in move_choices(idea.status)],
        "url": urls["detail"](idea.pk),
        "move_url": urls["move"](idea.pk),
        "reorder_url": urls["reorder"](idea.pk),
    }


def board_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The board: columns by status with each idea's primary-metric progress, the funnel
    over time, and the metrics with their best idea."""
    board = get_object_or_404(Board.objects.select_related("project", "primary_metric"), pk=pk)
    since_days = selectors.since_days_parse(request.GET.get("since"))
    ideas = list(selectors.board_ideas(board))
    progress = selectors.progress_for_board(board, since_days=since_days)
    metrics = list(board.metrics.order_by("id"))
    primary = board.primary_metric
    columns = selectors.board_columns(board, ideas)
    urls = {
        "detail": _url_maker("research:idea-detail"),
        "move": _url_maker("research:idea-move"),
        "reorder": _url_maker("research:idea-reorder"),
    }
    for column in columns:
        column["cards"] = [_card(i, primary, progress, request.user, urls) for i in column["ideas"]]
    ideas_by_id = {idea.pk: idea for idea in ideas}
    leaders = []
    for metric in metrics:
        best = next(
            (
                p
                for (idea_id, metric_id), p in progress.items()
                if metric_id == metric.pk and p.is_best
            ),
            None,
        )
        leaders.append(
            {
                "metric": metric,
                "best": best,
                "idea": ideas_by_id.get(best.idea_id) if best else None,
            }
        )
    funnel = selectors.board_funnel(board)
    return render(
        request,
        "research/board_detail.html",
        {
            "title": board.title,
            "board": board,
            "project": board.project,
            "project_url": board.project.get_absolute_url(),
            "columns": columns,
            "metrics": metrics,
            "leaders": leaders,
            "primary": primary,
            "since_days": since_days,
            "since_choices": [1, 2, 3, 7, 14, 28],
            "funnel": funnel,
            "funnel_rows": [
                {"label": label, "counts": [funnel["series"][s][i] for s in funnel["series"]]}
                for i, label in enumerate(funnel["labels"])
            ],
            "funnel_statuses": [Status(s).label for s in funnel["series"]],
            "idea_form": IdeaForm(can_assign=False) if can_create_ideas(request.user) else None,
            "metric_form": MetricForm() if can_manage_boards(request.user) else None,
            "settings_form": BoardSettingsForm(
                metrics=metrics,
                initial={
                    "title": board.title,
                    "question": board.question,
                    "gain_bar": board.gain_bar,
                    "primary_metric": board.primary_metric_id,
                },
            )
            if can_manage_boards(request.user)
            else None,
            "idea_count": len(ideas),
        },
    )


@require_POST
def board_idea_create(request: HttpRequest, pk: int) -> HttpResponse:
    board = get_object_or_404(Board, pk=pk)
    if not can_create_ideas(request.user):
        raise PermissionDenied("You need the member role to propose ideas.")
    form = IdeaForm(request.POST, can_assign=False)
    if form.is_valid():
        try:
            idea = services.idea_create(board=board, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Idea “{idea.title}” proposed.")
            return redirect(board)
    return render(
        request,
        "research/form_page.html",
        {"title": "Propose an idea", "form": form, "action": request.path, "back": board},
        status=400,
    )


@require_POST
def board_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager changes the board's title, question, gain bar or primary metric."""
    board = get_object_or_404(Board, pk=pk)
    if not can_manage_boards(request.user):
        raise PermissionDenied("You need the manager role to change boards.")
    form = BoardSettingsForm(request.POST, metrics=list(board.metrics.order_by("id")))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.board_update(
                board=board,
                actor=request.user,
                title=data["title"],
                question=data["question"],
                gain_bar=data["gain_bar"],
                primary_metric=form.metrics.get(data["primary_metric"]),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Board saved.")
            return redirect(board)
    return render(
        request,
        "research/form_page.html",
        {"title": "Board settings", "form": form, "action": request.path, "back": board},
        status=400,
    )


@require_POST
def board_metric_create(request: HttpRequest, pk: int) -> HttpResponse:
    board = get_object_or_404(Board, pk=pk)
    if not can_manage_boards(request.user):
        raise PermissionDenied("You need the manager role to add metrics.")
    form = MetricForm(request.POST)
    if form.is_valid():
        try:
            metric = services.metric_create(board=board, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Metric “{metric.name}” added.")
            return redirect(board)
    return render(
        request,
        "research/form_page.html",
        {"title": "Add a metric", "form": form, "action": request.path, "back": board},
        status=400,
    )


# --- ideas ------------------------------------------------------------------------------


def idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An idea: its progress per metric, a chart of each metric's history, readings, tasks."""
    idea = get_object_or_404(
        Idea.objects.select_related("board__project", "board__primary_metric", "owner"), pk=pk
    )
    since_days = selectors.since_days_parse(request.GET.get("since"))
    metrics = list(idea.board.metrics.order_by("id"))
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
            "reading_total": idea.readings.count(),
            "tasks": [
                (task, can_mark_task(request.user, task, idea))
                for task in idea.tasks.select_related("owner")
            ],
            "status_changes": list(
                idea.status_changes.select_related("actor").order_by("-created_at", "-id")[:20]
            ),
            "can_edit": can_edit,
            "can_manage": can_manage_boards(request.user),
            "move_form": MoveForm(idea=idea) if can_edit else None,
            "reading_form": ReadingForm(metrics=idea.board.metrics.order_by("id"))
            if can_edit
            else None,
            "task_form": TaskForm() if can_edit else None,
        },
    )


@require_http_methods(["GET", "POST"])
def idea_edit(request: HttpRequest, pk: int) -> HttpResponse:
    idea = get_object_or_404(Idea.objects.select_related("board"), pk=pk)
    if not can_edit_idea(request.user, idea):
        raise PermissionDenied("Only the idea's owner or a manager may edit it.")
    can_assign = can_manage_boards(request.user)
    initial = {
        "title": idea.title,
        "hypothesis": idea.hypothesis,
        "maturity": idea.maturity,
        "owner": idea.owner_id,
    }
    form = IdeaForm(request.POST or None, initial=initial, can_assign=can_assign)
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_update(idea=idea, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
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
    idea = get_object_or_404(Idea.objects.select_related("board"), pk=pk)
    default_next = reverse("research:board-detail", kwargs={"pk": idea.board_id})
    next_url = _safe_next(request, default_next)
    to = request.POST.get("to", "")
    promote_url = reverse("research:idea-promote", kwargs={"pk": idea.pk})
    promotable = Status.PROMOTED in IDEA_TRANSITIONS.get(idea.status, frozenset())
    if to == Status.PROMOTED and promotable and not idea.tasks.exists():
        if _wants_json(request):
            return JsonResponse({"redirect": promote_url})
        return redirect(promote_url)
    try:
        idea = services.idea_transition(
            idea=idea,
            to=to,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            expected_from=request.POST.get("from") or None,
        )
    except Conflict as stale:
        if _wants_json(request):
            return JsonResponse({"error": str(stale)}, status=409)
        messages.error(request, str(stale))
        return redirect(next_url)
    except ValidationError as error:
        text = " ".join(error.messages)
        if _wants_json(request):
            return JsonResponse({"error": text}, status=400)
        messages.error(request, f"“{idea.title}” was not moved: {text}")
        return redirect(next_url)
    except PermissionDenied as denied:
        if _wants_json(request):
            return JsonResponse({"error": str(denied)}, status=403)
        raise
    if _wants_json(request):
        return JsonResponse({"status": idea.status, "label": idea.get_status_display()})
    messages.success(request, f"“{idea.title}” moved to {idea.get_status_display().lower()}.")
    return redirect(next_url)


@require_POST
def idea_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a card at another place in its column (drag and drop, or the Up/Down buttons)."""
    idea = get_object_or_404(Idea.objects.select_related("board__project"), pk=pk)
    next_url = _safe_next(request, reverse("research:board-detail", kwargs={"pk": idea.board_id}))
    try:
        index = int(request.POST.get("index", ""))
    except ValueError:
        index = None
    try:
        services.idea_reorder(idea=idea, index=index, actor=request.user)
    except ValidationError as error:
        if _wants_json(request):
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as denied:
        if _wants_json(request):
            return JsonResponse({"error": str(denied)}, status=403)
        raise
    if _wants_json(request):
        return JsonResponse({"ok": True})
    return redirect(next_url)


@require_http_methods(["GET", "POST"])
def idea_promote(request: HttpRequest, pk: int) -> HttpResponse:
    """Promote an idea, breaking it down into engineering tasks on the way."""
    idea = get_object_or_404(Idea.objects.select_related("board__project"), pk=pk)
    if not can_edit_idea(request.user, idea):
        raise PermissionDenied("Only the idea's owner or a manager may promote it.")
    formset = PromoteFormSet(request.POST or None, prefix="tasks")
    error_text = ""
    if request.method == "POST" and formset.is_valid():
        tasks = [
            {"title": form.cleaned_data["title"], "owner": form.cleaned_data.get("owner")}
            for form in formset.forms
            if form.cleaned_data.get("title")
        ]
        try:
            services.idea_transition(idea=idea, to=Status.PROMOTED, actor=request.user, tasks=tasks)
        except ValidationError as error:
            error_text = " ".join(error.messages)
        else:
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
            "existing_tasks": list(idea.tasks.all()),
            "error_text": error_text,
        },
        # a post without the management form has no form errors, only non-form ones
        status=400 if (error_text or (formset.is_bound and not formset.is_valid())) else 200,
    )


@require_POST
def idea_reading_create(request: HttpRequest, pk: int) -> HttpResponse:
    idea = get_object_or_404(Idea.objects.select_related("board__project"), pk=pk)
    if not can_edit_idea(request.user, idea):
        raise PermissionDenied("Only the idea's owner or a manager may record readings on it.")
    form = ReadingForm(request.POST, metrics=idea.board.metrics.all())
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.reading_create(
                idea=idea,
                metric=data["metric"],
                value=data["value"],
                recorded_at=data["recorded_at"],
                note=data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, f"Reading recorded: {data['metric'].name} = {data['value']:g}."
            )
            return redirect(f"{idea.get_absolute_url()}#readings")
    return render(
        request,
        "research/form_page.html",
        {"title": "Add a reading", "form": form, "action": request.path, "back": idea},
        status=400,
    )


@require_POST
def idea_task_create(request: HttpRequest, pk: int) -> HttpResponse:
    idea = get_object_or_404(Idea.objects.select_related("board__project"), pk=pk)
    if not can_edit_idea(request.user, idea):
        raise PermissionDenied("Only the idea's owner or a manager may add tasks.")
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            services.task_create(idea=idea, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect(f"{idea.get_absolute_url()}#tasks")
    return render(
        request,
        "research/form_page.html",
        {"title": "Add a task", "form": form, "action": request.path, "back": idea},
        status=400,
    )


@require_POST
def task_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.select_related("idea"), pk=pk)
    # The service flips the state under a row lock: reading ``task.done`` here and posting
    # its opposite would lose one of two quick clicks.
    services.task_update(task=task, actor=request.user, toggle=True)
    return redirect(_safe_next(request, f"{task.idea.get_absolute_url()}#tasks"))


@require_http_methods(["GET", "POST"])
def board_readings_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Import readings from a CSV file, all or nothing, through the bulk ingestion service.

    With htmx the form posts in the background with an upload progress bar; success sends
    the browser back to the board, errors replace the form. Without JavaScript it is a
    plain form post.
    """
    board = get_object_or_404(Board.objects.select_related("project"), pk=pk)
    if not can_create_ideas(request.user):
        raise PermissionDenied("You need the member role to record readings.")
    form = ReadingImportForm(request.POST or None, request.FILES or None, board=board)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.readings_ingest(
                items=form.items, actor=request.user, default_source="csv"
            )
        except services.ReadingsInvalid as invalid:
            form.add_error("file", _import_errors(invalid.errors))
        except (ValidationError, PermissionDenied) as error:
            form.add_error("file", getattr(error, "messages", None) or str(error))
        else:
            messages.success(request, f"Imported {count:,} readings into “{board.title}”.")
            if request.htmx:
                return HttpResponse(status=204, headers={"HX-Redirect": board.get_absolute_url()})
            return redirect(board)
    template = "research/_import_form.html" if request.htmx else "research/readings_import.html"
    return render(
        request,
        template,
        {"title": f"Import readings · {board.title}", "board": board, "form": form},
        # htmx swaps only 2xx answers; a plain post gets the honest 400.
        status=400 if form.errors and not request.htmx else 200,
    )


def _import_errors(errors: dict[str, dict[str, list[str]]]) -> list[str]:
    """Per-row messages, numbered as lines of the file (line 1 is the header)."""
    lines = []
    for index, fields in sorted(errors.items(), key=lambda item: int(item[0]))[:20]:
        detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in fields.items())
        lines.append(f"Line {int(index) + 2}: {detail}")
    if len(errors) > 20:
        lines.append(f"… and {len(errors) - 20} more lines.")
    return lines


@require_POST
def reading_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one reading from the idea page (its idea's owner or a manager)."""
    reading = get_object_or_404(Reading.objects.select_related("idea", "metric"), pk=pk)
    services.reading_delete(reading=reading, actor=request.user)
    messages.success(request, f"Deleted the {reading.metric.name} reading of {reading.value:g}.")
    return redirect(f"{reading.idea.get_absolute_url()}#readings")
