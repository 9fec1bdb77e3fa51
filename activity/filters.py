"""The activity log's filters, shared by the timeline and the API."""

import django_filters

from accounts.filters import PersonChoiceFilter, people
from core.filters import BoundedIsoDateTimeFilter, IdFilter

from .models import Activity, EventType


class ActivityFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id", label="Project id")
    actor = PersonChoiceFilter(queryset=people)
    event = django_filters.MultipleChoiceFilter(choices=EventType.choices)
    since = BoundedIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Activity
        fields = ["project", "actor", "event", "since"]
