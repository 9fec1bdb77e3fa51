"""The FilterSet of data-gap requests, shared by the queue page and the API list."""

import django_filters
from django.db.models import QuerySet

from accounts.filters import PersonChoiceFilter, people
from core.filters import IdChoiceFilter, IdFilter, StrictBooleanFilter
from projects.models import Project

from .models import ACTIVE_STATUSES, DataGap, Status, Urgency
from .selectors import overdue_q, snoozed_q


def _projects(request) -> QuerySet[Project]:
    return Project.objects.order_by("name")


# The queue as it first shows (the page and its CSV): what is still to do, snoozed hidden.
QUEUE_DEFAULT = {"status": list(ACTIVE_STATUSES), "snoozed": "false"}


class DataGapFilter(django_filters.FilterSet):
    """Requests by project, people, status, urgency, overdue and snoozed; ``sort`` orders
    them (else the queue order: back from snooze, overdue, most urgent, oldest)."""

    project = IdChoiceFilter(queryset=_projects, empty_label="Any project")
    assignee = PersonChoiceFilter(queryset=people, empty_label="Anyone")
    requester = PersonChoiceFilter(queryset=people, empty_label="Anyone")
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices, empty_label="Any urgency")
    overdue = StrictBooleanFilter(method="filter_overdue", label="Overdue")
    snoozed = StrictBooleanFilter(method="filter_snoozed", label="Snoozed")
    idea = IdFilter(field_name="idea")
    sort = django_filters.OrderingFilter(
        fields=(
            ("created_at", "filed"),
            ("urgency_rank", "urgency"),
            ("needed_by", "needed_by"),
            ("status", "status"),
            ("title", "title"),
        ),
        field_labels={
            "created_at": "Filed (oldest first)",
            "-created_at": "Filed (newest first)",
            "urgency_rank": "Urgency (lowest first)",
            "-urgency_rank": "Urgency (most urgent first)",
            "needed_by": "Needed by (soonest first)",
            "-needed_by": "Needed by (latest first)",
        },
        label="Sort by",
        empty_label="Queue order",
    )

    class Meta:
        model = DataGap
        fields = ["project", "assignee", "requester", "status", "urgency", "overdue", "snoozed"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def filter_snoozed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(snoozed_q()) if value else queryset.exclude(snoozed_q())
