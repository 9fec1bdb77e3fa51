"""FilterSets shared by the HTML lists and the API lists (one definition of each filter)."""

import django_filters
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.filters import PersonChoiceFilter
from accounts.filters import people as _people
from accounts.models import Discipline
from core.filters import BoundedDateFilter, IdChoiceFilter, StrictBooleanFilter
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
