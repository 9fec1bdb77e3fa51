"""Filing and editing requests, assigning them, snoozing them, watching them."""

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activity.models import EventType
from activity.services import activity_record
from core.services import (
    apply_changes,
    check_date_range,
    full_clean,
    refuse_nul,
    refuse_unknown_fields,
    save_changed,
)
from projects.models import Project
from research.models import Idea

from ..models import ACTIVE_STATUSES, DataGap, DataGapStatusChange, Status, Urgency
from ..permissions import require_edit, require_file, require_triage
from ._common import check_assignee, check_needed_by, clean_text, lock, stale

DATAGAP_EDITABLE_FIELDS = (
    "title",
    "data_needed",
    "unlocks",
    "project",
    "idea",
    "urgency",
    "needed_by",
    "assignee",
)
_TEXT_FIELDS = ("title", "data_needed", "unlocks")


def _check_idea(idea: Idea | None, project: Project) -> None:
    """An idea named on a request belongs to the request's project."""
    if idea is not None and idea.board.project_id != project.pk:
        raise ValidationError({"idea": "Choose an idea of the request's project."})


def _check_lengths(request: DataGap) -> None:
    if len(request.data_needed) > DataGap.TEXT_MAX_LENGTH:
        raise ValidationError(
            {"data_needed": f"Keep it to {DataGap.TEXT_MAX_LENGTH:,} characters or fewer."}
        )
    if len(request.unlocks) > DataGap.TEXT_MAX_LENGTH:
        raise ValidationError(
            {"unlocks": f"Keep it to {DataGap.TEXT_MAX_LENGTH:,} characters or fewer."}
        )


@transaction.atomic
def datagap_create(
    *,
    project: Project,
    title: str,
    data_needed: str,
    actor: User,
    unlocks: str = "",
    idea: Idea | None = None,
    urgency: str = Urgency.NORMAL,
    needed_by: datetime.date | None = None,
) -> DataGap:
    """File a request as ``actor`` (a member or up), open and unassigned.

    Refuses a needed-by date in the past and an idea of another project. Records the first
    status change (from nothing to open) and a ``datagap.filed`` event.
    """
    require_file(actor)
    refuse_nul(title=title, data_needed=data_needed, unlocks=unlocks)
    request = DataGap(
        project=project,
        idea=idea,
        title=clean_text(title),
        data_needed=clean_text(data_needed),
        unlocks=clean_text(unlocks),
        urgency=urgency,
        needed_by=needed_by,
        requester=actor,
        status=Status.OPEN,
    )
    check_date_range(request, ("needed_by",))
    check_needed_by(needed_by)
    _check_idea(idea, project)
    _check_lengths(request)
    full_clean(request)
    request.save()
    DataGapStatusChange.objects.create(
        request=request, from_status="", to_status=Status.OPEN, actor=actor
    )
    activity_record(
        actor=actor,
        event=EventType.DATAGAP_FILED,
        target=request,
        project=project,
        data={"request": request.pk, "urgency": urgency},
    )
    return request


@transaction.atomic
def datagap_update(*, request: DataGap, actor: User, **changes: Any) -> DataGap:
    """Edit a request's ``DATAGAP_EDITABLE_FIELDS``: its requester, a data engineer or a
    manager; changing the assignee, data engineers and managers only (a ``datagap.assigned``
    event besides ``datagap.updated``). The status is not editable here: see
    ``datagap_transition``. A needed-by date moved into the past is refused.
    """
    request = lock(request.pk)
    require_edit(actor, request)
    refuse_unknown_fields(changes, DATAGAP_EDITABLE_FIELDS)
    for field in _TEXT_FIELDS:
        if field in changes:
            changes[field] = clean_text(changes[field])
            refuse_nul(**{field: changes[field]})
    if "assignee" in changes and changes["assignee"] != request.assignee:
        require_triage(actor)
        check_assignee(changes["assignee"])
    if "needed_by" in changes and changes["needed_by"] != request.needed_by:
        check_date_range(DataGap(needed_by=changes["needed_by"]), ("needed_by",))
        check_needed_by(changes["needed_by"])
    changed = apply_changes(request, changes)
    if "idea" in changed or "project" in changed:
        _check_idea(request.idea, request.project)
    _check_lengths(request)
    full_clean(request)
    if changed:
        save_changed(request, changed)
        assigned = changed.pop("assignee", None)
        if changed:
            activity_record(
                actor=actor,
                event=EventType.DATAGAP_UPDATED,
                target=request,
                project=request.project,
                data={"request": request.pk, **changed},
            )
        if assigned is not None:
            activity_record(
                actor=actor,
                event=EventType.DATAGAP_ASSIGNED,
                target=request,
                project=request.project,
                data={"request": request.pk, "assignee": assigned},
            )
    return request


def datagap_assign(*, request: DataGap, assignee: User | None, actor: User) -> DataGap:
    """Give a request to a data engineer (or take it from everyone, ``None``)."""
    return datagap_update(request=request, actor=actor, assignee=assignee)


@transaction.atomic
def datagap_snooze(
    *, request: DataGap, until: datetime.date | None, actor: User, expected_from: str | None = None
) -> DataGap:
    """Hide an active request from the queue until ``until`` (after today); ``None`` wakes it.

    Data engineers and managers. From ``until`` on, the queue shows it on top, marked back
    from snooze, until someone moves it (any transition clears the snooze).
    """
    request = lock(request.pk)
    require_triage(actor)
    if expected_from and expected_from != request.status:
        raise stale(request)
    if request.status not in ACTIVE_STATUSES:
        raise ValidationError(
            {"snooze_until": f"A {request.get_status_display().lower()} request cannot be snoozed."}
        )
    if until is not None:
        check_date_range(DataGap(snoozed_until=until), ("snoozed_until",))
        if until <= timezone.localdate():
            raise ValidationError({"snooze_until": "Snooze until a date after today."})
    changed = apply_changes(request, {"snoozed_until": until})
    if changed:
        save_changed(request, changed)
        activity_record(
            actor=actor,
            event=EventType.DATAGAP_SNOOZED,
            target=request,
            project=request.project,
            data={"request": request.pk, "until": until.isoformat() if until else None},
        )
    return request


@transaction.atomic
def datagap_watch(*, request: DataGap, actor: User) -> DataGap:
    """``actor`` (a member or up) hears about the request from now on; watching twice is
    watching once (one event)."""
    require_file(actor)
    if not request.watchers.filter(pk=actor.pk).exists():
        request.watchers.add(actor)
        activity_record(
            actor=actor,
            event=EventType.DATAGAP_WATCHED,
            target=request,
            project=request.project,
            data={"request": request.pk},
        )
    return request


@transaction.atomic
def datagap_unwatch(*, request: DataGap, actor: User) -> DataGap:
    """``actor`` stops watching the request (nothing happens if they were not watching)."""
    require_file(actor)
    if request.watchers.filter(pk=actor.pk).exists():
        request.watchers.remove(actor)
        activity_record(
            actor=actor,
            event=EventType.DATAGAP_UNWATCHED,
            target=request,
            project=request.project,
            data={"request": request.pk},
        )
    return request
