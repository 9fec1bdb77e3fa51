"""Filters about people, shared by every app's FilterSets."""

import django_filters
from django.contrib.auth.models import User
from django.db.models import QuerySet

from core.filters import IdChoiceFilter, _IdOrObjectField

from .models import Discipline, Role, person_label
from .selectors import active_people


class _PersonIdField(_IdOrObjectField):
    def label_from_instance(self, user: User) -> str:
        return person_label(user)


class PersonChoiceFilter(IdChoiceFilter):
    """An :class:`~core.filters.IdChoiceFilter` of people, labelled by name like the forms."""

    field_class = _PersonIdField


def people(request) -> QuerySet[User]:
    return active_people()


class PersonFilter(django_filters.FilterSet):
    discipline = django_filters.ChoiceFilter(
        field_name="profile__discipline", choices=Discipline.choices, empty_label="Any discipline"
    )
    role = django_filters.ChoiceFilter(field_name="profile__role", choices=Role.choices)

    class Meta:
        model = User
        fields = ["discipline", "role"]
