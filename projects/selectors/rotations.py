"""Rotations: the joined list, a person's own, a project's grouped by time, who rolls off
soon and the placeholders still to staff."""

import datetime

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from ..models import Project, Rotation
from ._common import _today

ROLLING_OFF_DAYS = 14


def rotation_list() -> QuerySet[Rotation]:
    """Rotations with person, profile and project joined, annotated with ``effective_end``."""
    return (
        Rotation.objects.select_related("person__profile", "project")
        .annotate(effective_end=Coalesce("actual_end", "planned_end"))
        .order_by("start", "id")
    )


def rotation_of_person(person: User, rotation_id: str) -> Rotation | None:
    """``person``'s own rotation whose id is the text ``rotation_id`` (from a query
    parameter); ``None`` when it is not theirs, does not exist or is not a plain number."""
    if not (rotation_id.isascii() and rotation_id.isdigit()) or len(rotation_id) > 18:
        return None
    return Rotation.objects.select_related("project").filter(pk=rotation_id, person=person).first()


def ends_soon(end: datetime.date | None, today: datetime.date) -> bool:
    """The rolling-off rule: the end falls within the next ``ROLLING_OFF_DAYS`` days."""
    return end is not None and today <= end <= today + datetime.timedelta(days=ROLLING_OFF_DAYS)


def project_rotation_groups(
    project: Project, *, today: datetime.date | None = None
) -> dict[str, list[Rotation]]:
    """A project's rotations and placeholders as ``current``, ``planned`` and ``past``
    (each by start), in one query. Each carries ``rolling_off_soon`` (:func:`ends_soon`,
    not for one that already ended)."""
    today = today or _today()
    groups: dict[str, list[Rotation]] = {"current": [], "planned": [], "past": []}
    for rotation in rotation_list().filter(project=project):
        rotation.rolling_off_soon = rotation.actual_end is None and ends_soon(
            rotation.effective_end, today
        )
        if rotation.start > today:
            groups["planned"].append(rotation)
        elif rotation.effective_end is not None and rotation.effective_end < today:
            groups["past"].append(rotation)
        else:
            groups["current"].append(rotation)
    return groups


def rotations_rolling_off(
    *, today: datetime.date | None = None, days: int = ROLLING_OFF_DAYS
) -> QuerySet[Rotation]:
    """Staffed rotations running today that end within ``days`` days (a warning)."""
    today = today or _today()
    return (
        rotation_list()
        .filter(person__isnull=False, start__lte=today)
        .filter(effective_end__gte=today, effective_end__lte=today + datetime.timedelta(days=days))
        .exclude(actual_end__lte=today)  # already ended (e.g. by a release today)
        .order_by("effective_end", "id")
    )


def rotations_unfilled(*, today: datetime.date | None = None) -> QuerySet[Rotation]:
    """Placeholders that are running or still ahead: demand to staff."""
    today = today or _today()
    return (
        rotation_list()
        .filter(person__isnull=True)
        .filter(Q(effective_end__isnull=True) | Q(effective_end__gte=today))
    )
