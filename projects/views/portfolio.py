"""The portfolio page and the roadmap, sharing the portfolio's filters."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .. import portfolio
from ..filters import PortfolioFilter
from ._common import _filtered, _paginate


def _portfolio_filter(request: HttpRequest) -> PortfolioFilter:
    return PortfolioFilter(
        request.GET or None, queryset=portfolio.portfolio_list(), request=request
    )


def portfolio_page(request: HttpRequest) -> HttpResponse:
    """Every project with its phase, health, target release (overdue marked), the gates of
    its next phase, team and unfilled demand, latest activity and what other apps count
    open on it; worst health first. Filters shared with ``GET /api/v1/portfolio/``."""
    filterset = _portfolio_filter(request)
    page = _paginate(request, _filtered(filterset))
    page.object_list = portfolio.portfolio_rows(page.object_list)
    return render(
        request,
        "projects/portfolio.html",
        {"title": "Portfolio", "filter": filterset, "page": page, "today": timezone.localdate()},
    )


def roadmap(request: HttpRequest) -> HttpResponse:
    """The portfolio's projects over months: phases from their history, target releases,
    today marked. Same filters as the portfolio; ``back``/``ahead`` months (1 to 24)."""
    filterset = _portfolio_filter(request)
    try:
        back = min(max(int(request.GET.get("back", portfolio.ROADMAP_MONTHS_BACK)), 1), 24)
        ahead = min(max(int(request.GET.get("ahead", portfolio.ROADMAP_MONTHS_AHEAD)), 1), 24)
    except ValueError:
        back, ahead = portfolio.ROADMAP_MONTHS_BACK, portfolio.ROADMAP_MONTHS_AHEAD
    return render(
        request,
        "projects/roadmap.html",
        {
            "title": "Roadmap",
            "filter": filterset,
            "roadmap": portfolio.roadmap(
                _filtered(filterset), months_back=back, months_ahead=ahead
            ),
            "back": back,
            "ahead": ahead,
        },
    )
