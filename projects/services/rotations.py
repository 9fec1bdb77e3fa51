"""Rotations and placeholders: who works on which project, when, how much."""

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from accounts.models import person_label
from activity.models import EventType
from activity.services import activity_record
from core.services import (
    apply_changes,
    check_date_range,
    full_clean,
    json_safe,
    refuse_unknown_fields,
    save_changed,
)

from ..models import MAX_ALLOCATION, Phase, Project, Rotation, TakeawayRequest
from ..permissions import require_plan_rotations
from ..selectors import (
    ROLLING_OFF_DAYS,
    ends_soon,
    person_weekly_load,
    utilisation_ceiling,
    weeks_covering,
)

ROTATION_EDITABLE_FIELDS = ("person", "role", "start", "planned_end", "actual_end", "allocation")
ROTATION_DATE_FIELDS = ("start", "planned_end", "actual_end")


def _check_no_overlap(rotation: Rotation) -> None:
    """Refuse a second rotation of the same person on the same project over the same days.

    Two rotations overlap when each starts on or before the other's last day (an open end
    lasts for ever); ending the day before the other starts is back to back, not an overlap.
    The person's row is locked first, so two concurrent writes for one person queue up
    instead of both passing the check (an exclusion constraint would not work on SQLite).
    """
    if rotation.person_id is None:
        return
    User.objects.select_for_update().filter(pk=rotation.person_id).first()
    end = rotation.end
    others = (
        Rotation.objects.filter(person_id=rotation.person_id, project_id=rotation.project_id)
        .exclude(pk=rotation.pk)
        .annotate(other_end=Coalesce("actual_end", "planned_end"))
    )
    # The other one does not end before this one starts ...
    clashes = others.filter(Q(other_end__isnull=True) | Q(other_end__gte=rotation.start))
    # ... and does not start after this one ends.
    if end is not None:
        clashes = clashes.filter(start__lte=end)
    clash = clashes.order_by("start").first()
    if clash is not None:
        until = clash.end.isoformat() if clash.end else "open-ended"
        raise ValidationError(
            {
                "start": (
                    "This person already has a rotation on this project from "
                    f"{clash.start.isoformat()} to {until}; rotations may not overlap."
                )
            }
        )


def default_planned_end(
    project: Project | None, start: datetime.date | None, planned_end: datetime.date | None
) -> datetime.date | None:
    """A rotation without a planned end runs to the project's target release (when that is
    not before its start)."""
    release = project.target_release if project is not None else None
    if planned_end is None and release and start and release >= start:
        return release
    return planned_end


def check_rotation_project(project: Project) -> None:
    """Refuse planning on an archived project (released ones only warn: see
    :func:`rotation_warnings`)."""
    if project.phase == Phase.ARCHIVED:
        raise ValidationError(
            {"project": f"{project.name} is archived: it takes no new or changed rotations."}
        )


def _weeks_word(count: int) -> str:
    return "week" if count == 1 else "weeks"


def rotation_warnings(rotation: Rotation, *, today: datetime.date | None = None) -> list[str]:
    """Warnings (not errors) for a rotation, saved or only proposed (the rotation form asks
    before saving): the person goes over the utilisation ceiling in a week it covers, the
    project is already released, or it ends within 14 days.

    The one definition of over-allocation: the person's other rotations (summed in the
    database, one query) plus this one's allocation, above ``STAFFING_UTILISATION_CEILING``.
    """
    today = today or timezone.localdate()
    warnings: list[str] = []
    end = rotation.actual_end or rotation.planned_end
    project = rotation.project if rotation.project_id else None
    if project is not None and project.phase in (Phase.RELEASED, Phase.MONITORING):
        warnings.append(
            f"{project.name} is already released ({project.get_phase_display()}): "
            "rotations on it ended with the release."
        )
    if rotation.person_id is not None and rotation.start is not None:
        ceiling = utilisation_ceiling()
        weeks = weeks_covering(rotation.start, end, today=today)
        others = person_weekly_load(rotation.person_id, weeks, exclude=rotation.pk)
        totals = [other + (rotation.allocation or 0) for other in others]
        over = [week for week, total in zip(weeks, totals, strict=True) if total > ceiling]
        if over:
            warnings.append(
                f"{person_label(rotation.person)} is allocated "
                f"over {ceiling} % (up to {max(totals)} %) in {len(over)} "
                f"{_weeks_word(len(over))}, from the week of {date_format(over[0], 'j M Y')}."
            )
    if ends_soon(end, today):
        warnings.append(
            f"This rotation ends within {ROLLING_OFF_DAYS} days ({date_format(end, 'j M Y')})."
        )
    return warnings


def _check_person(person: User | None) -> None:
    if person is not None and not person.is_active:
        raise ValidationError({"person": "This person is not active."})


@transaction.atomic
def rotation_create(
    *,
    actor: User,
    project: Project,
    role: str,
    start: datetime.date,
    person: User | None = None,
    planned_end: datetime.date | None = None,
    actual_end: datetime.date | None = None,
    allocation: int = MAX_ALLOCATION,
) -> Rotation:
    """Put a person (or, without one, a placeholder demand) on a project. Managers only.

    Enforces: the model's allocation range and date order (``full_clean``, as field
    messages), dates in range, no overlap with the person's other rotations on the project.
    ``planned_end`` defaults to the project's target release (when that is not before the
    start). ``actual_end`` records a rotation that already ended.
    """
    require_plan_rotations(actor)
    check_rotation_project(project)
    _check_person(person)
    planned_end = default_planned_end(project, start, planned_end)
    rotation = Rotation(
        project=project,
        person=person,
        role=(role or "").strip(),
        start=start,
        planned_end=planned_end,
        actual_end=actual_end,
        allocation=allocation,
    )
    check_date_range(rotation, ROTATION_DATE_FIELDS)
    full_clean(rotation)
    _check_no_overlap(rotation)
    rotation.save()
    activity_record(
        actor=actor,
        event=EventType.PLACEHOLDER_CREATED if person is None else EventType.ROTATION_CREATED,
        target=rotation,
        project=project,
        data={
            "person": person.pk if person else None,
            "role": rotation.role,
            "start": start.isoformat(),
            "planned_end": json_safe(planned_end),
            "actual_end": json_safe(actual_end),
            "allocation": allocation,
        },
    )
    return rotation


@transaction.atomic
def rotation_update(*, rotation: Rotation, actor: User, **changes: Any) -> Rotation:
    """Change a rotation: dates, role, allocation, or fill a placeholder with a person.

    Managers only; the same rules as :func:`rotation_create`.
    """
    require_plan_rotations(actor)
    refuse_unknown_fields(changes, ROTATION_EDITABLE_FIELDS)
    rotation = Rotation.objects.select_for_update().get(pk=rotation.pk)
    check_rotation_project(rotation.project)
    was_placeholder = rotation.person_id is None
    if "role" in changes:
        changes["role"] = (changes["role"] or "").strip()
    _check_person(changes.get("person"))
    changed = apply_changes(rotation, changes)
    check_date_range(rotation, ROTATION_DATE_FIELDS)
    full_clean(rotation)
    _check_no_overlap(rotation)
    if changed:
        save_changed(rotation, changed)
        event = (
            EventType.PLACEHOLDER_FILLED
            if was_placeholder and rotation.person_id
            else EventType.ROTATION_UPDATED
        )
        activity_record(
            actor=actor, event=event, target=rotation, project=rotation.project, data=changed
        )
    return rotation


@transaction.atomic
def rotation_delete(*, rotation: Rotation, actor: User) -> None:
    """Remove a rotation or placeholder. Managers only."""
    require_plan_rotations(actor)
    activity_record(
        actor=actor,
        event=EventType.ROTATION_DELETED,
        target=rotation,
        project=rotation.project,
        data={"person": rotation.person_id, "role": rotation.role},
    )
    rotation.delete()


def takeaway_request_send(request: TakeawayRequest) -> None:
    """Email the person of the request's ended rotation asking for a takeaway.

    The handler of the ``TakeawayRequest`` durable work: :mod:`core.durable` calls it on a
    row it claimed and marks the row done after it returns, so each request is mailed once.
    An SMTP or connection error propagates (an ``OSError``: retried with backoff).
    """
    rotation = Rotation.objects.select_related("person", "project").get(pk=request.rotation_id)
    if rotation.person is None or not rotation.person.email:
        return  # nobody to write to (the person was removed from it): nothing to do
    link = f"{settings.SITE_URL}{reverse('projects:takeaway-create')}?rotation={rotation.pk}"
    name = person_label(rotation.person)
    mail.send_mail(
        subject=f"What did you learn on {rotation.project.name}?",
        message=(
            f"Hi {name},\n\n{rotation.project.name} was released and your rotation as "
            f"{rotation.role} has ended. Please share a takeaway for the data team:\n\n"
            f"{link}\n\nTandem"
        ),
        from_email=None,
        recipient_list=[rotation.person.email],
    )
