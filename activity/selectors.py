"""Reads of the activity log."""

from django.db.models import QuerySet

from .models import Activity


def activity_list() -> QuerySet[Activity]:
    """Events newest first, with actor, project and target type joined."""
    return Activity.objects.select_related("actor", "project", "target_type")


def project_activity(project) -> QuerySet[Activity]:
    """A project's timeline, newest first."""
    return activity_list().filter(project=project)
