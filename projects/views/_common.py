"""Helpers the projects views share: a page of rows, a filterset's rows."""

from django.core.paginator import Paginator
from django.http import HttpRequest


def _paginate(request: HttpRequest, queryset, per_page: int = 50):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _filtered(filterset):
    """The filterset's rows; none for an invalid filter (its errors show on the form)."""
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs
