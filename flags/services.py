"""Every write of the flags app goes through a function here.

Each service checks who may act (``flags.permissions``), validates, writes, and records the
activity event in the same transaction. They raise Django's ``ValidationError`` (a 400 in
the API, form errors in the UI), ``PermissionDenied`` (403) and ``Conflict`` (409).
"""

import datetime
import re
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from activity.models import EventType
from activity.services import activity_record
from core.exceptions import Conflict
from core.services import (
    apply_changes,
    check_date_range,
    full_clean,
    json_safe,
    refuse_nul,
    save_changed,
)
from projects.models import Project
from research.models import Idea

from .models import Flag, FlagEscalation, FlagStatus, FlagStatusChange, Kind, Severity
from .permissions import require_edit_flag, require_move_flag, require_raise
from .transitions import FLAG_TRANSITIONS, NOTE_REQUIRED, allowed_statuses

FLAG_EDITABLE_FIELDS = (
    "title",
    "description",
    "kind",
    "severity",
    "idea",
    "owner",
    "due_date",
    "external_blocker",
)
# Fields an update may name but never change, with the reason why.
NOT_EDITABLE = {
    "raised_in_phase": "The phase a flag was raised in is recorded when it is raised and "
    "cannot be changed.",
    "status": "Change the status with a transition (acknowledge, resolve, accept the risk, "
    "reopen).",
    "project": "A flag stays on the project it was raised on; raise a new one instead.",
}
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S")
INACTIVE_OWNER = "Choose someone whose account is active."
NOTE_TOO_LONG = f"Keep the note to {Flag.NOTE_MAX_LENGTH:,} characters or fewer."
NOTE_NEEDED = {
    FlagStatus.RESOLVED: "Say how the dependency was resolved.",
    FlagStatus.ACCEPTED_RISK: "Say why the risk is acceptable.",
    FlagStatus.OPEN: "Say why the flag is open again.",
}
_EVENTS = {
    FlagStatus.OPEN: EventType.FLAG_REOPENED,
    FlagStatus.ACKNOWLEDGED: EventType.FLAG_ACKNOWLEDGED,
    FlagStatus.RESOLVED: EventType.FLAG_RESOLVED,
    FlagStatus.ACCEPTED_RISK: EventType.FLAG_RISK_ACCEPTED,
}


def _refuse_not_editable(changes: dict[str, Any]) -> None:
    errors = {
        field: NOT_EDITABLE.get(field, "This field cannot be changed here.")
        for field in changes
        if field not in FLAG_EDITABLE_FIELDS
    }
    if errors:
        raise ValidationError(errors)


def _clean_text(flag: Flag) -> None:
    flag.title = (flag.title or "").strip()
    flag.description = (flag.description or "").strip()
    flag.external_blocker = (flag.external_blocker or "").strip()
    refuse_nul(
        title=flag.title, description=flag.description, external_blocker=flag.external_blocker
    )
    blocker = flag.external_blocker
    # Anything that looks like a link (a scheme, "://", "www.") must be an http(s) URL;
    # the rest is a team's name ("Legal: EU" is a name: a space follows its colon).
    if "://" in blocker or _SCHEME.match(blocker) or blocker.lower().startswith("www."):
        try:
            URLValidator(schemes=["http", "https"])(blocker)
        except ValidationError:
            raise ValidationError(
                {"external_blocker": "Enter a full http(s) URL, or a team's name."}
            ) from None


def _check_references(flag: Flag, *, idea: Idea | None, owner: User | None) -> None:
    errors = {}
    if idea is not None and idea.board.project_id != flag.project_id:
        errors["idea"] = "Choose an idea on one of this project's boards."
    if owner is not None and not owner.is_active:
        errors["owner"] = INACTIVE_OWNER
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def flag_raise(
    *,
    project: Project,
    title: str,
    actor: User,
    kind: str = Kind.OTHER,
    severity: str = Severity.MEDIUM,
    description: str = "",
    idea: Idea | None = None,
    owner: User | None = None,
    due_date: datetime.date | None = None,
    external_blocker: str = "",
) -> Flag:
    """Raise a flag on ``project`` (optionally on one of its ideas): members and up.

    Records the project's phase at this moment (``raised_in_phase``, never edited), the
    first step of the history (nothing → open) and an activity event. A due date may not
    be in the past.
    """
    require_raise(actor)
    phase = Project.objects.values_list("phase", flat=True).get(pk=project.pk)
    now = timezone.now()
    flag = Flag(
        project=project,
        idea=idea,
        title=title,
        description=description,
        kind=kind,
        severity=severity,
        raised_by=actor,
        raised_in_phase=phase,
        owner=owner,
        due_date=due_date,
        external_blocker=external_blocker,
        status=FlagStatus.OPEN,
        opened_at=now,
    )
    _clean_text(flag)
    _check_references(flag, idea=idea, owner=owner)
    check_date_range(flag, ("due_date",))
    if due_date is not None and due_date < timezone.localdate():
        raise ValidationError({"due_date": "Choose a due date from today on."})
    full_clean(flag)
    flag.save()
    FlagStatusChange.objects.create(
        flag=flag, from_status="", to_status=FlagStatus.OPEN, actor=actor
    )
    activity_record(
        actor=actor,
        event=EventType.FLAG_RAISED,
        target=flag,
        project=project,
        data={
            "flag": flag.pk,
            "idea": flag.idea_id,
            "severity": flag.severity,
            "kind": flag.kind,
            "phase": phase,
            "owner": flag.owner_id,
        },
    )
    return flag


@transaction.atomic
def flag_update(*, flag: Flag, actor: User, **changes: Any) -> Flag:
    """Edit a flag's ``FLAG_EDITABLE_FIELDS``: its raiser, its owner or a manager. Its
    status, project and recorded phase are refused with a message saying why. Saves and
    records an event only when something changed."""
    flag = Flag.objects.select_for_update(of=("self",)).get(pk=flag.pk)
    require_edit_flag(actor, flag)
    _refuse_not_editable(changes)
    idea = changes.get("idea", flag.idea)
    owner = changes.get("owner") if "owner" in changes else None
    if owner is not None and owner.pk == flag.owner_id:
        owner = None  # keeping the current owner needs no check
    changed = apply_changes(flag, changes)
    _clean_text(flag)
    if "idea" in changed and idea is not None:
        idea = Idea.objects.select_related("board").get(pk=idea.pk)
    _check_references(flag, idea=idea if "idea" in changed else None, owner=owner)
    check_date_range(flag, ("due_date",))
    full_clean(flag)
    changed = {
        field: [old, json_safe(getattr(flag, field))]
        for field, (old, _new) in changed.items()
        if old != json_safe(getattr(flag, field))
    }
    if changed:
        save_changed(flag, changed)
        activity_record(
            actor=actor,
            event=EventType.FLAG_UPDATED,
            target=flag,
            project=flag.project,
            data={"flag": flag.pk, **changed},
        )
    return flag


def _lost_race(flag: Flag) -> Conflict:
    return Conflict(
        f"“{flag.title}” is {flag.get_status_display().lower()} now: someone moved it "
        "meanwhile. Reload and try again."
    )


@transaction.atomic
def flag_transition(
    *, flag: Flag, to: str, actor: User, note: str = "", expected_from: str | None = None
) -> Flag:
    """Move a flag to status ``to``; the only code that writes ``Flag.status``.

    Enforces: the move is in ``FLAG_TRANSITIONS``; who may make it
    (``permissions.require_move_flag``); resolving, accepting the risk and reopening need a
    note. Records the step's time and actor, a :class:`FlagStatusChange` and an activity
    event. The row is locked: of two concurrent moves one wins and the other is a
    ``Conflict`` (409), whether it said which status it saw (``expected_from``) or asked
    for the status the flag already has.
    """
    flag = Flag.objects.select_for_update(of=("self",)).select_related("project").get(pk=flag.pk)
    if to not in FlagStatus.values:
        raise ValidationError({"to": f"“{to}” is not a flag status."})
    require_move_flag(actor, flag, to)
    if (expected_from and expected_from != flag.status) or to == flag.status:
        raise _lost_race(flag)
    if to not in FLAG_TRANSITIONS.get(flag.status, frozenset()):
        allowed = ", ".join(FlagStatus(s).label.lower() for s in allowed_statuses(flag.status))
        raise ValidationError(
            {
                "to": f"A flag that is {flag.get_status_display().lower()} cannot become "
                f"{FlagStatus(to).label.lower()}; it can become: {allowed}."
            }
        )
    note = (note or "").strip()
    refuse_nul(note=note)
    if to in NOTE_REQUIRED and not note:
        raise ValidationError({"note": NOTE_NEEDED[to]})
    if len(note) > Flag.NOTE_MAX_LENGTH:
        raise ValidationError({"note": NOTE_TOO_LONG})
    now = timezone.now()
    from_status = flag.status
    fields = ["status", "updated_at"]
    if to == FlagStatus.ACKNOWLEDGED and flag.acknowledged_at is None:
        flag.acknowledged_at, flag.acknowledged_by = now, actor
        fields += ["acknowledged_at", "acknowledged_by"]
    if to in (FlagStatus.RESOLVED, FlagStatus.ACCEPTED_RISK):
        flag.closed_at, flag.closed_by, flag.closing_note = now, actor, note
        fields += ["closed_at", "closed_by", "closing_note"]
    if to == FlagStatus.OPEN:
        flag.opened_at, flag.closed_at, flag.closed_by, flag.closing_note = now, None, None, ""
        fields += ["opened_at", "closed_at", "closed_by", "closing_note"]
    flag.status = to
    flag.save(update_fields=fields)
    FlagStatusChange.objects.create(
        flag=flag, from_status=from_status, to_status=to, actor=actor, note=note
    )
    activity_record(
        actor=actor,
        event=_EVENTS[to],
        target=flag,
        project=flag.project,
        data={
            "flag": flag.pk,
            "from": from_status,
            "to": to,
            "note": note[:500],
            "severity": flag.severity,
        },
    )
    return flag


def overdue_cutoff(now: datetime.datetime | None = None, days: int | None = None):
    """Flags still open (unacknowledged) since before this moment are overdue."""
    days = settings.FLAG_OVERDUE_DAYS if days is None else days
    return (now or timezone.now()) - datetime.timedelta(days=days)


def flags_escalate(*, now: datetime.datetime | None = None) -> int:
    """Escalate every unacknowledged flag past a step of ``FLAG_ESCALATION_DAYS`` (days
    since it opened): notify its owner and the project's product manager (an activity event
    the digests and webhooks pick up). Returns how many escalations it recorded.

    Once per flag, opening and step, whatever runs it how often: each escalation is a
    :class:`FlagEscalation` row (unique per flag, opening and step) written in the same
    transaction as its event, under the flag's row lock; a concurrent run waits for the
    lock, then sees the row and skips.
    """
    now = now or timezone.now()
    recorded = 0
    for step in settings.FLAG_ESCALATION_DAYS:
        cutoff = overdue_cutoff(now, step)
        candidates = (
            Flag.objects.filter(status=FlagStatus.OPEN, opened_at__lt=cutoff)
            .exclude(escalations__step_days=step, escalations__opened_at=F("opened_at"))
            .values_list("pk", flat=True)
        )
        for flag_id in list(candidates):
            recorded += _escalate_one(flag_id, step, cutoff)
    return recorded


@transaction.atomic
def _escalate_one(flag_id: int, step: int, cutoff: datetime.datetime) -> int:
    flag = (
        Flag.objects.select_for_update(of=("self",))
        .select_related("project")
        .filter(pk=flag_id, status=FlagStatus.OPEN, opened_at__lt=cutoff)
        .first()
    )
    if flag is None:  # acknowledged or reopened meanwhile
        return 0
    try:
        with transaction.atomic():
            FlagEscalation.objects.create(flag=flag, opened_at=flag.opened_at, step_days=step)
    except IntegrityError:  # another run recorded this step first
        return 0
    notify = sorted({pk for pk in (flag.owner_id, flag.project.product_manager_id) if pk})
    activity_record(
        actor=None,
        event=EventType.FLAG_ESCALATED,
        target=flag,
        project=flag.project,
        data={"flag": flag.pk, "step_days": step, "severity": flag.severity, "notify": notify},
    )
    return 1
