"""FilterSets shared by the HTML lists and the API lists (one definition of each filter)."""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.choices import BaseChoiceIterator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.filters import PersonChoiceFilter
from accounts.filters import people as _people
from accounts.models import Discipline
from core.filters import BoundedDateFilter, IdChoiceFilter, StrictBooleanFilter
from core.registries import project_counts
from core.services import normalise_tags

from .models import Health, Phase, Project, Rotation, Takeaway, Target, TargetKind
from .selectors import active_on_q, person_projects_q


def _projects(request) -> QuerySet[Project]:
    return Project.objects.order_by("name")


class ProjectFilter(django_filters.FilterSet):
    """Projects by phase, health, person on the team (membership or any rotation) and name."""

    q = django_filters.CharFilter(method="filter_q", label="Name contains")
    phase = django_filters.ChoiceFilter(choices=Phase.choices, empty_label="Any phase")
    health = django_filters.ChoiceFilter(choices=Health.choices, empty_label="Any health")
    person = PersonChoiceFilter(
        queryset=_people, method="filter_person", label="Person", empty_label="Anyone"
    )

    class Meta:
        model = Project
        fields = ["q", "phase", "health", "person"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(name__icontains=value) if value else queryset

    @extend_schema_field(OpenApiTypes.INT)
    def filter_person(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(person_projects_q(value))


class TargetFilter(django_filters.FilterSet):
    project = IdChoiceFilter(queryset=_projects)
    kind = django_filters.ChoiceFilter(choices=TargetKind.choices)

    class Meta:
        model = Target
        fields = ["project", "kind"]


class RotationFilter(django_filters.FilterSet):
    """Rotations by person, project, discipline, placeholder or not, and running on a date."""

    person = PersonChoiceFilter(queryset=_people, empty_label="Anyone")
    project = IdChoiceFilter(queryset=_projects, empty_label="Any project")
    discipline = django_filters.ChoiceFilter(
        field_name="person__profile__discipline",
        choices=Discipline.choices,
        empty_label="Any discipline",
    )
    placeholder = StrictBooleanFilter(
        field_name="person", lookup_expr="isnull", label="Unfilled placeholder"
    )
    active_on = BoundedDateFilter(method="filter_active_on", label="Running on")

    class Meta:
        model = Rotation
        fields = ["person", "project", "discipline", "placeholder", "active_on"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(active_on_q(value)) if value else queryset


class TakeawayFilter(django_filters.FilterSet):
    """Takeaways by project, tag and author."""

    project = IdChoiceFilter(queryset=_projects, empty_label="Any project")
    tag = django_filters.CharFilter(method="filter_tag", label="Tag")
    author = PersonChoiceFilter(queryset=_people, empty_label="Anyone")

    class Meta:
        model = Takeaway
        fields = ["project", "tag", "author"]

    def filter_tag(self, queryset, name, value):
        tag = normalise_tags(value)
        return queryset.filter(tags__contains=tag) if tag else queryset


class _HasOpenChoices(BaseChoiceIterator):
    """The registered project counts, read when the choices are (after every app is ready);
    not a callable, so the API schema lists them as the parameter's enum."""

    def __iter__(self):
        return iter([(count.key, count.label) for count in project_counts()])


class PortfolioFilter(django_filters.FilterSet):
    """The portfolio's rows (``portfolio.portfolio_list``) by phase, health, product manager,
    "mine", overdue, and an open count of another app (open flags, open data gaps). Archived
    projects are left out unless the phase filter asks for them."""

    q = django_filters.CharFilter(method="filter_q", label="Name contains")
    phase = django_filters.ChoiceFilter(choices=Phase.choices, empty_label="Not archived")
    health = django_filters.ChoiceFilter(choices=Health.choices, empty_label="Any health")
    pm = PersonChoiceFilter(
        queryset=_people,
        field_name="product_manager",
        label="Product manager",
        empty_label="Anyone",
    )
    mine = StrictBooleanFilter(
        method="filter_mine",
        label="Whose",
        widget=forms.Select(
            choices=[("", "Everyone's"), ("true", "Only mine"), ("false", "Not mine")]
        ),
    )
    overdue = StrictBooleanFilter(
        field_name="is_overdue",
        label="Target release",
        widget=forms.Select(choices=[("", "Any"), ("true", "Overdue"), ("false", "Not overdue")]),
    )
    has_open = django_filters.ChoiceFilter(
        choices=_HasOpenChoices(), method="filter_has_open", label="Has", empty_label="Anything"
    )

    class Meta:
        model = Project
        fields = ["q", "phase", "health", "pm", "mine", "overdue", "has_open"]

    def __init__(self, data=None, *args, **kwargs):
        # Always bound, so the default (no archived projects) applies to a bare page too.
        super().__init__(data if data is not None else {}, *args, **kwargs)

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("phase"):
            queryset = queryset.exclude(phase=Phase.ARCHIVED)
        return super().filter_queryset(queryset)

    def filter_q(self, queryset, name, value):
        return queryset.filter(name__icontains=value) if value else queryset

    def filter_mine(self, queryset, name, value):
        """Projects the reader is on (rotation, membership or product manager); ``false``
        lists the others."""
        if value is None or self.request is None:
            return queryset
        mine = person_projects_q(self.request.user)
        return queryset.filter(mine) if value else queryset.exclude(mine)

    def filter_has_open(self, queryset, name, value):
        for count in project_counts():
            if count.key == value:
                return queryset.filter(**{f"{count.field}__gt": 0})
        return queryset
