"""Board pages: a project's boards, the board itself, and the forms posted from it."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import submit_form
from core.registries import badges_for, project_tabs
from projects.models import Project

from .. import selectors, services
from ..forms import BoardForm, BoardSettingsForm, IdeaForm, MetricForm
from ..models import Board, Idea, Status
from ..permissions import (
    can_contribute,
    can_edit_idea,
    can_manage_boards,
    require_contribute,
    require_manage_boards,
)
from ..transitions import move_choices
from ._common import url_maker


@require_http_methods(["GET", "POST"])
def project_boards(request: HttpRequest, slug: str) -> HttpResponse:
    """A project's boards, and the form a manager creates a new one with."""
    project = get_object_or_404(Project, slug=slug)
    form = BoardForm(request.POST or None)
    if request.method == "POST":
        require_manage_boards(request.user)
        board = submit_form(form, services.board_create, project=project, actor=request.user)
        if board:
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


def boards_list(request: HttpRequest) -> HttpResponse:
    """Every board, by project: idea counts and the best idea's gain against the gain bar."""
    boards = list(selectors.boards_overview())
    detail = url_maker("research:board-detail")
    idea_url = url_maker("research:idea-detail")
    rows = []
    for board in boards:
        gain = selectors.board_best_gain(board)
        rows.append(
            {
                "board": board,
                "url": detail(board.pk),
                "project_url": board.project.get_absolute_url(),
                "best_url": idea_url(board.best_idea_id) if board.best_idea_id else "",
                "gain": gain,
                "clears": None if gain is None else selectors.clears_bar(gain, board.gain_bar),
            }
        )
    return render(
        request, "research/boards.html", {"title": "Boards", "rows": rows, "count": len(rows)}
    )


def _card(idea: Idea, primary, progress: dict, user, urls: dict, badges: dict) -> dict:
    return {
        "idea": idea,
        # What other slices mark on the card (e.g. open dependency flags), one query a slice.
        "badges": badges.get(idea.pk, []),
        "primary": progress.get((idea.pk, primary.pk)) if primary else None,
        "can_move": can_edit_idea(user, idea),
        # The allowed moves, rendered by hand in _card.html; the service refuses any other.
        "move_choices": [(s, Status(s).label) for s in move_choices(idea.status)],
        "url": urls["detail"](idea.pk),
        "move_url": urls["move"](idea.pk),
        "reorder_url": urls["reorder"](idea.pk),
    }


def _leaders(metrics: list, progress: dict, ideas: list[Idea]) -> list[dict]:
    """Each metric with its best idea on the board (from the progress already computed)."""
    ideas_by_id = {idea.pk: idea for idea in ideas}
    best = {metric_id: p for (_, metric_id), p in progress.items() if p.is_best}
    return [
        {
            "metric": metric,
            "best": best.get(metric.pk),
            "idea": ideas_by_id.get(best[metric.pk].idea_id) if metric.pk in best else None,
        }
        for metric in metrics
    ]


def board_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The board: columns by status with each idea's primary-metric progress, the funnel
    over time, and the metrics with their best idea."""
    board = get_object_or_404(selectors.board_detail(), pk=pk)
    since_days = selectors.since_days_parse(request.GET.get("since"))
    ideas = list(selectors.board_ideas(board))
    progress = selectors.progress_for_board(board, since_days=since_days)
    metrics = list(selectors.board_metrics(board))
    primary = board.primary_metric
    columns = selectors.board_columns(board, ideas)
    urls = {
        "detail": url_maker("research:idea-detail"),
        "move": url_maker("research:idea-move"),
        "reorder": url_maker("research:idea-reorder"),
    }
    badges = badges_for("research.idea", ideas)
    for column in columns:
        column["cards"] = [
            _card(i, primary, progress, request.user, urls, badges) for i in column["ideas"]
        ]
    funnel = selectors.board_funnel(board)
    manager = can_manage_boards(request.user)
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
            "leaders": _leaders(metrics, progress, ideas),
            "primary": primary,
            "since_days": since_days,
            "since_choices": [1, 2, 3, 7, 14, 28],
            "funnel": funnel,
            "funnel_rows": [
                {"label": label, "counts": [funnel["series"][s][i] for s in funnel["series"]]}
                for i, label in enumerate(funnel["labels"])
            ],
            "funnel_statuses": [Status(s).label for s in funnel["series"]],
            "idea_form": IdeaForm(can_assign=False) if can_contribute(request.user) else None,
            "metric_form": MetricForm() if manager else None,
            "settings_form": BoardSettingsForm(
                metrics=metrics,
                initial={
                    "title": board.title,
                    "question": board.question,
                    "gain_bar": board.gain_bar,
                    "primary_metric": board.primary_metric_id,
                },
            )
            if manager
            else None,
            "idea_count": len(ideas),
            "reason_max_length": Idea.REASON_MAX_LENGTH,
            "reason_max_text": f"{Idea.REASON_MAX_LENGTH:,}",
        },
    )


def _form_page(request: HttpRequest, title: str, form, back) -> HttpResponse:
    return render(
        request,
        "research/form_page.html",
        {"title": title, "form": form, "action": request.path, "back": back},
        status=400,
    )


@require_POST
def board_idea_create(request: HttpRequest, pk: int) -> HttpResponse:
    board = get_object_or_404(Board, pk=pk)
    require_contribute(request.user)
    form = IdeaForm(request.POST, can_assign=False)
    idea = submit_form(form, services.idea_create, board=board, actor=request.user)
    if idea:
        messages.success(request, f"Idea “{idea.title}” proposed.")
        return redirect(board)
    return _form_page(request, "Propose an idea", form, board)


@require_POST
def board_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager changes the board's title, question, gain bar or primary metric."""
    board = get_object_or_404(Board, pk=pk)
    require_manage_boards(request.user)
    form = BoardSettingsForm(request.POST, metrics=list(selectors.board_metrics(board)))
    if submit_form(form, services.board_update, board=board, actor=request.user):
        messages.success(request, "Board saved.")
        return redirect(board)
    return _form_page(request, "Board settings", form, board)


@require_http_methods(["GET", "POST"])
def metric_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager changes a metric's name, unit, direction, baseline or target."""
    metric = get_object_or_404(selectors.metric_list(), pk=pk)
    require_manage_boards(request.user)
    initial = {field: getattr(metric, field) for field in services.METRIC_EDITABLE_FIELDS}
    form = MetricForm(request.POST or None, initial=initial)
    if request.method == "POST" and submit_form(
        form, services.metric_update, metric=metric, actor=request.user
    ):
        messages.success(request, f"Metric “{form.cleaned_data['name']}” saved.")
        return redirect(f"{metric.board.get_absolute_url()}#metrics-title")
    return render(
        request,
        "research/form_page.html",
        {
            "title": f"Edit the metric “{metric}”",
            "form": form,
            "action": request.path,
            "back": metric.board,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def board_metric_create(request: HttpRequest, pk: int) -> HttpResponse:
    board = get_object_or_404(Board, pk=pk)
    require_manage_boards(request.user)
    form = MetricForm(request.POST)
    metric = submit_form(form, services.metric_create, board=board, actor=request.user)
    if metric:
        messages.success(request, f"Metric “{metric.name}” added.")
        return redirect(board)
    return _form_page(request, "Add a metric", form, board)
