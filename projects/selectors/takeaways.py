"""Takeaways, and the ended rotations whose takeaway was asked for and not yet shared."""

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, QuerySet

from ..models import Rotation, Takeaway
from .rotations import rotation_list


def takeaways_requested_of(user: User) -> QuerySet[Rotation]:
    """The user's ended rotations that asked for a takeaway and have none yet."""
    return (
        rotation_list()
        .filter(person=user, takeaway_requested_at__isnull=False)
        .filter(~Exists(Takeaway.objects.filter(rotation=OuterRef("pk"))))
    )


def takeaway_list() -> QuerySet[Takeaway]:
    """Takeaways, newest first, with author, project and rotation joined."""
    return Takeaway.objects.select_related("author__profile", "project", "rotation")
