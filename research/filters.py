"""FilterSets of the research lists (the API lists; the board pages filter by URL).

Ids of rows that do not exist filter to an empty list rather than a 400, as every other
list of the API does (``core.filters.IdChoiceFilter``); an id that is not a number, or an
unknown status, stays a 400.
"""

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.filters import PersonChoiceFilter, people
from core.filters import IdChoiceFilter, StrictBooleanFilter
from projects.models import Phase, Project

from .models import Board, Idea, Maturity, Metric, Reading, Status, Task, TaskState


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


def _open_projects(request) -> QuerySet[Project]:
    return Project.objects.exclude(phase=Phase.ARCHIVED).order_by("name")


OPEN = "open"
STATE_FILTER_CHOICES = [(OPEN, "Open (to do or in progress)"), *TaskState.choices]
ME, UNASSIGNED = "me", "unassigned"
ASSIGNEE_CHOICES = [(ME, "Me"), (UNASSIGNED, "Nobody (to claim)")]


class TaskFilter(django_filters.FilterSet):
    """Engineering tasks: the API list and the My tasks page. ``assignee=me`` (or
    ``mine=true``) are the asker's tasks, ``assignee=unassigned`` the ones to claim;
    ``state=open`` is to do or in progress."""

    idea = IdChoiceFilter(queryset=_ideas)
    idea__board = IdChoiceFilter(field_name="idea__board", queryset=_boards)
    project = IdChoiceFilter(
        field_name="idea__board__project",
        queryset=_open_projects,
        empty_label="All projects",
        label="Project",
    )
    owner = PersonChoiceFilter(queryset=people)
    assignee = django_filters.ChoiceFilter(
        choices=ASSIGNEE_CHOICES, method="filter_assignee", empty_label="Anyone", label="Assignee"
    )
    mine = StrictBooleanFilter(method="filter_mine", label="Mine")
    state = django_filters.ChoiceFilter(
        choices=STATE_FILTER_CHOICES, method="filter_state", empty_label="Any state", label="State"
    )
    done = StrictBooleanFilter()
    overdue = StrictBooleanFilter(method="filter_overdue", label="Overdue")

    class Meta:
        model = Task
        fields = ["idea", "idea__board", "project", "owner", "assignee", "mine", "state", "done"]

    def _user_pk(self):
        user = getattr(self.request, "user", None)
        return user.pk if user is not None and user.is_authenticated else None

    def filter_assignee(self, queryset, name, value):
        if value == ME:
            return queryset.filter(owner_id=self._user_pk())
        if value == UNASSIGNED:
            return queryset.filter(owner__isnull=True)
        return queryset

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        mine = Q(owner_id=self._user_pk())
        return queryset.filter(mine) if value else queryset.exclude(mine)

    def filter_state(self, queryset, name, value):
        if value == OPEN:
            return queryset.exclude(state=TaskState.DONE)
        return queryset.filter(state=value) if value else queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(due_date__lt=timezone.localdate()) & ~Q(state=TaskState.DONE)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class MyTasksFilter(TaskFilter):
    """The My tasks page: the API's task filter with the fields a person picks from (the
    same methods; ids of ideas and boards stay API-only)."""

    PAGE_FIELDS = ("project", "assignee", "state", "overdue")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.filters):
            if name not in self.PAGE_FIELDS:
                del self.filters[name]
