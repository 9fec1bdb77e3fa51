"""The one FilterSet of the flags list: the HTML list, the project's Flags tab and the API.

Ids of rows that do not exist filter to an empty list rather than a 400
(``core.filters.IdChoiceFilter``); an unknown kind, severity, status or ordering is a 400.
"""

import django_filters
from django import forms
from django.db.models import QuerySet

from accounts.filters import PersonChoiceFilter, people
from core.filters import IdChoiceFilter, IdFilter, StrictBooleanFilter
from projects.models import Project

from .models import Flag, FlagStatus, Kind, Severity
from .selectors import overdue_q

# ``?ordering=`` values: (the order, its label in the HTML form).
ORDERINGS = {
    "-severity": ("-severity_order", "Severity, worst first"),
    "severity": ("severity_order", "Severity, mildest first"),
    "raised": ("created_at", "Raised, oldest first"),
    "-raised": ("-created_at", "Raised, newest first"),
    "due": ("due_date", "Due, soonest first"),
    "-due": ("-due_date", "Due, latest first"),
}


def _projects(request) -> QuerySet[Project]:
    return Project.objects.order_by("name")


class FlagFilter(django_filters.FilterSet):
    project = IdChoiceFilter(queryset=_projects, empty_label="Any project")
    idea = IdFilter(field_name="idea", widget=forms.HiddenInput)
    kind = django_filters.ChoiceFilter(choices=Kind.choices, empty_label="Any kind")
    severity = django_filters.ChoiceFilter(choices=Severity.choices, empty_label="Any severity")
    status = django_filters.ChoiceFilter(choices=FlagStatus.choices, empty_label="Any status")
    owner = PersonChoiceFilter(queryset=people, empty_label="Anyone")
    overdue = StrictBooleanFilter(
        method="filter_overdue",
        label="Overdue",
        widget=forms.Select(
            choices=[("", "Any"), ("true", "Overdue only"), ("false", "Not overdue")]
        ),
        help_text=None,
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (_, label) in ORDERINGS.items()],
        method="filter_ordering",
        label="Sort by",
        empty_label="Active first, worst first",
    )

    class Meta:
        model = Flag
        fields = ["project", "idea", "kind", "severity", "status", "owner", "overdue"]

    def filter_ordering(self, queryset: QuerySet[Flag], name: str, value: str) -> QuerySet[Flag]:
        return queryset.order_by(ORDERINGS[value][0], "-id") if value else queryset

    def filter_overdue(self, queryset: QuerySet[Flag], name: str, value: bool) -> QuerySet[Flag]:
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())
