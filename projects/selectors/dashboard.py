"""The signed-in person's home page."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import QuerySet

from ..models import Phase, Project, Rotation
from ._common import _today
from .projects import person_projects_q, project_list
from .rotations import rotation_list, rotations_rolling_off, rotations_unfilled
from .takeaways import takeaways_requested_of


@dataclass
class Dashboard:
    """The signed-in person's home page: lazy querysets, one query each when rendered."""

    my_projects: QuerySet[Project]
    my_rotations: QuerySet[Rotation]
    rolling_off: QuerySet[Rotation]
    unfilled: QuerySet[Rotation]
    takeaways_due: QuerySet[Rotation]


DASHBOARD_LIST_LENGTH = 20


def dashboard(user: User, *, today: datetime.date | None = None) -> Dashboard:
    """The person's projects that are not archived and their current and planned rotations;
    who rolls off soon and the demand still to staff (the first 20 of each); the takeaways
    they were asked for."""
    today = today or _today()
    return Dashboard(
        my_projects=project_list()
        .filter(person_projects_q(user))
        .exclude(phase=Phase.ARCHIVED)
        .order_by("name"),
        my_rotations=rotation_list()
        .filter(person=user)
        .exclude(effective_end__lt=today)
        .order_by("start", "id"),
        rolling_off=rotations_rolling_off(today=today)[:DASHBOARD_LIST_LENGTH],
        unfilled=rotations_unfilled(today=today)[:DASHBOARD_LIST_LENGTH],
        takeaways_due=takeaways_requested_of(user),
    )
