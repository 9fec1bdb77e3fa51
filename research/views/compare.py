"""The board's compare page: the ideas a person picks overlaid on one chart per metric."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .. import selectors, series
from ..forms import CompareForm
from ..models import Status

COMPARE_POINTS = 200
COLOURS = ["#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c", "#0e7490", "#4d7c0f", "#a21caf"]


def default_picks(ideas: list, progress: dict) -> list[int]:
    """Shortlisted ideas and the best idea on each metric, in board order."""
    best = {p.idea_id for p in progress.values() if p.is_best}
    return [i.pk for i in ideas if i.status == Status.SHORTLISTED or i.pk in best]


def board_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """One chart per metric overlaying the picked ideas (``?ideas=1&ideas=2``, so a
    comparison is shared by its address) with the baseline, the target and the gain bar;
    without picks: the shortlisted ideas and the best on each metric."""
    board = get_object_or_404(selectors.board_detail(), pk=pk)
    ideas = list(selectors.board_ideas(board))
    progress = selectors.progress_for_board(board)
    bound = "ideas" in request.GET
    form = CompareForm(request.GET if bound else None, ideas=ideas)
    if bound:
        picked = form.cleaned_data["ideas"] if form.is_valid() else []
    else:
        picked = default_picks(ideas, progress)[: CompareForm.MAX_IDEAS]
        form = CompareForm(initial={"ideas": picked}, ideas=ideas)
    by_id = {idea.pk: idea for idea in ideas}
    picked_ideas = [by_id[i] for i in picked if i in by_id]
    colour = {idea.pk: COLOURS[n % len(COLOURS)] for n, idea in enumerate(picked_ideas)}
    charts = []
    for metric in selectors.board_metrics(board):
        found = series.series_for(
            idea_ids=[i.pk for i in picked_ideas], metric=metric, points=COMPARE_POINTS
        )
        bar = series.gain_bar_value(metric, board.gain_bar)
        charts.append(
            {
                "id": f"compare-{metric.pk}",
                "data_id": f"compare-{metric.pk}-data",
                "metric": metric,
                "gain_bar_value": bar,
                "rows": [
                    {
                        "idea": idea,
                        "colour": colour[idea.pk],
                        "progress": progress.get((idea.pk, metric.pk)),
                        "series": found[idea.pk],
                    }
                    for idea in picked_ideas
                ],
                "data": {
                    "name": str(metric),
                    "baseline": metric.baseline,
                    "target": metric.target,
                    "gain_bar": bar,
                    "gain_bar_label": f"Gain bar ({board.gain_bar:g} % over baseline)",
                    "ideas": [
                        {
                            "title": idea.title,
                            "colour": colour[idea.pk],
                            "series": found[idea.pk].as_dict(),
                        }
                        for idea in picked_ideas
                    ],
                },
            }
        )
    return render(
        request,
        "research/board_compare.html",
        {
            "title": f"Compare ideas · {board.title}",
            "board": board,
            "project": board.project,
            "project_url": board.project.get_absolute_url(),
            "form": form,
            "picked": picked_ideas,
            "charts": charts,
            "is_default": not bound,
            "share_url": request.build_absolute_uri(
                f"{request.path}?{'&'.join(f'ideas={i.pk}' for i in picked_ideas)}"
            ),
        },
        status=400 if form.errors else 200,
    )
