"""FilterSets of the research lists (the API lists; the board pages filter by URL).

Ids of rows that do not exist filter to an empty list rather than a 400, as every other
list of the API does (``core.filters.IdChoiceFilter``); an id that is not a number, or an
unknown status, stays a 400.
"""

import django_filters
from django.db.models import QuerySet

from accounts.filters import PersonChoiceFilter, people
from core.filters import IdChoiceFilter, StrictBooleanFilter
from projects.models import Project

from .models import Board, Idea, Maturity, Metric, Reading, Status, Task


def _projects(request) -> QuerySet[Project]:
    return Project.objects.all()


def _boards(request) -> QuerySet[Board]:
    return Board.objects.all()


def _ideas(request) -> QuerySet[Idea]:
    return Idea.objects.all()


def _metrics(request) -> QuerySet[Metric]:
    return Metric.objects.all()


class BoardFilter(django_filters.FilterSet):
    project = IdChoiceFilter(queryset=_projects)
    project__slug = django_filters.CharFilter(field_name="project__slug")

    class Meta:
        model = Board
        fields = ["project", "project__slug"]


class MetricFilter(django_filters.FilterSet):
    board = IdChoiceFilter(queryset=_boards)

    class Meta:
        model = Metric
        fields = ["board"]


class IdeaFilter(django_filters.FilterSet):
    board = IdChoiceFilter(queryset=_boards)
    board__project = IdChoiceFilter(field_name="board__project", queryset=_projects)
    board__project__slug = django_filters.CharFilter(field_name="board__project__slug")
    status = django_filters.ChoiceFilter(choices=Status.choices)
    owner = PersonChoiceFilter(queryset=people)
    maturity = django_filters.ChoiceFilter(choices=Maturity.choices)

    class Meta:
        model = Idea
        fields = ["board", "board__project", "board__project__slug", "status", "owner", "maturity"]


class ReadingFilter(django_filters.FilterSet):
    idea = IdChoiceFilter(queryset=_ideas)
    metric = IdChoiceFilter(queryset=_metrics)
    source = django_filters.CharFilter()

    class Meta:
        model = Reading
        fields = ["idea", "metric", "source"]


class TaskFilter(django_filters.FilterSet):
    idea = IdChoiceFilter(queryset=_ideas)
    idea__board = IdChoiceFilter(field_name="idea__board", queryset=_boards)
    owner = PersonChoiceFilter(queryset=people)
    done = StrictBooleanFilter()

    class Meta:
        model = Task
        fields = ["idea", "idea__board", "owner", "done"]
