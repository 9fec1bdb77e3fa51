"""FilterSets shared by the HTML lists and the API lists (one definition of each filter)."""

import contextlib

import django_filters
from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .models import (
    Activity,
    Discipline,
    Health,
    Phase,
    Project,
    Role,
    Rotation,
    Takeaway,
    Target,
    TargetKind,
    person_label,
)
from .selectors import active_on_q


class _IdOrObjectField(django_filters.fields.ModelChoiceField):
    """A model choice that treats an unknown numeric id as "matches nothing" instead of an
    error: filtering by a person or project that does not exist is an empty list, not a 400.
    """

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            try:
                pk = int(str(value).strip())
            except ValueError:
                raise error from None
            # Only ids a bigint column can hold; anything else stays a 400.
            if -(2**63) <= pk < 2**63:
                return self.queryset.model(pk=pk)
            raise


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter (a select in the HTML forms, an id in the API) that is lenient
    about ids of rows that do not exist."""

    field_class = _IdOrObjectField


class _PersonIdField(_IdOrObjectField):
    def label_from_instance(self, user: User) -> str:
        return person_label(user)


class PersonChoiceFilter(IdChoiceFilter):
    """An :class:`IdChoiceFilter` of people, labelled by full name like the forms."""

    field_class = _PersonIdField


def _people(request) -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


def _projects(request) -> QuerySet[Project]:
    return Project.objects.order_by("name")


# Years a date filter accepts: outside them, converting to UTC (or adding a week) can leave
# Python's date range, which would be a 500 instead of a 400.
FILTER_YEARS = (1900, 9998)


def _check_filter_year(value):
    if value is not None and not FILTER_YEARS[0] <= value.year <= FILTER_YEARS[1]:
        raise ValidationError(
            f"Use a year between {FILTER_YEARS[0]} and {FILTER_YEARS[1]}.", code="out_of_range"
        )
    return value


class _BoundedDateField(forms.DateField):
    def to_python(self, value):
        return _check_filter_year(super().to_python(value))


class _BoundedIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    def to_python(self, value):
        # Check the year as written, before any conversion between time zones can overflow.
        if isinstance(value, str):
            # Not ISO 8601 (ValueError): the parent tries its formats and says "invalid".
            with contextlib.suppress(ValueError):
                _check_filter_year(parse_datetime(value.strip()))
        try:
            return _check_filter_year(super().to_python(value))
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class BoundedDateFilter(django_filters.DateFilter):
    """A date filter that answers a year outside 1900 to 9998 with a 400."""

    field_class = _BoundedDateField


class BoundedIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time filter that answers a year outside 1900 to 9998 with a 400."""

    field_class = _BoundedIsoDateTimeField


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
        return queryset.filter(
            Q(pk__in=Rotation.objects.filter(person=value).values("project"))
            | Q(pk__in=Project.members.through.objects.filter(user=value).values("project"))
            | Q(product_manager=value)
        )


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
    placeholder = django_filters.BooleanFilter(
        field_name="person", lookup_expr="isnull", label="Unfilled placeholder"
    )
    active_on = BoundedDateFilter(method="filter_active_on", label="Running on")

    class Meta:
        model = Rotation
        fields = ["person", "project", "discipline", "placeholder", "active_on"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(active_on_q(value)) if value else queryset


class PersonFilter(django_filters.FilterSet):
    discipline = django_filters.ChoiceFilter(
        field_name="profile__discipline", choices=Discipline.choices, empty_label="Any discipline"
    )
    role = django_filters.ChoiceFilter(field_name="profile__role", choices=Role.choices)

    class Meta:
        model = User
        fields = ["discipline", "role"]


class TakeawayFilter(django_filters.FilterSet):
    """Takeaways by project, tag and author."""

    project = IdChoiceFilter(queryset=_projects, empty_label="Any project")
    tag = django_filters.CharFilter(method="filter_tag", label="Tag")
    author = PersonChoiceFilter(queryset=_people, empty_label="Anyone")

    class Meta:
        model = Takeaway
        fields = ["project", "tag", "author"]

    def filter_tag(self, queryset, name, value):
        from .services import normalise_tags

        tag = normalise_tags(value)
        return queryset.filter(tags__contains=tag) if tag else queryset


class ActivityFilter(django_filters.FilterSet):
    project = IdChoiceFilter(queryset=_projects)
    actor = PersonChoiceFilter(queryset=_people)
    verb = django_filters.CharFilter()
    since = BoundedIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Activity
        fields = ["project", "actor", "verb", "since"]
