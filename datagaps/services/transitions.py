"""Moving requests through the status table: one service writes ``DataGap.status``."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activity.models import EventType
from activity.services import activity_record
from core.services import check_date_range, refuse_nul

from ..models import ACTIVE_STATUSES, DataGap, DataGapStatusChange, Status
from ..permissions import require_edit, require_file, require_triage
from ..transitions import (
    DATAGAP_TRANSITIONS,
    NOTE_REQUIRED,
    REASON_REQUIRED,
    REQUESTER_MOVES,
    allowed_statuses,
)
from ._common import clean_text, lock, stale
from .requests import datagap_update

# The event each move records; moving back to triaged (work paused) is a triage decision.
EVENTS = {
    Status.TRIAGED: EventType.DATAGAP_TRIAGED,
    Status.IN_PROGRESS: EventType.DATAGAP_STARTED,
    Status.DELIVERED: EventType.DATAGAP_DELIVERED,
    Status.DECLINED: EventType.DATAGAP_DECLINED,
    Status.DUPLICATE: EventType.DATAGAP_DUPLICATED,
    Status.OPEN: EventType.DATAGAP_REOPENED,
}
# Longest chain of duplicates followed when looking for the canonical request; the service
# keeps chains one link long, so this only bounds the walk over rows written otherwise.
MAX_CHAIN = 50


def _label(status: str) -> str:
    return Status(status).label.lower()


def _lock_all(pks: Iterable[int]) -> None:
    """Lock rows in id order, so two moves that lock the same two rows cannot deadlock."""
    list(DataGap.objects.select_for_update().filter(pk__in=set(pks)).order_by("pk").values("pk"))


def _canonical(start: DataGap, request: DataGap) -> DataGap:
    """The request ``start`` stands for: itself, or the end of its duplicate chain.

    Refuses the chain that leads back to ``request`` (a cycle).
    """
    current, seen = start, set()
    while True:
        if current.pk == request.pk:
            raise ValidationError(
                {
                    "duplicate_of": "That request is a duplicate of this one: marking this "
                    "one its duplicate would make a cycle."
                }
            )
        if current.duplicate_of_id is None or current.pk in seen or len(seen) > MAX_CHAIN:
            return current
        seen.add(current.pk)
        current = DataGap.objects.select_for_update().get(pk=current.duplicate_of_id)


def _audience(request: DataGap) -> list[int]:
    """Who hears about a request: its requester and watchers (ids, sorted)."""
    return sorted({request.requester_id, *request.watchers.values_list("pk", flat=True)})


@transaction.atomic
def datagap_transition(
    *,
    request: DataGap,
    to: str,
    actor: User,
    note: str = "",
    reason: str = "",
    duplicate_of: DataGap | None = None,
    snooze_until: datetime.date | None = None,
    delivered_dataset: str = "",
    delivered_location: str = "",
    delivered_notes: str = "",
    expected_from: str | None = None,
) -> DataGap:
    """Move a request to status ``to``; the only code that writes ``DataGap.status``.

    Enforces: the move is in ``DATAGAP_TRANSITIONS``; data engineers and managers make every
    move except reopening, which the requester may do too; declining needs a ``reason``;
    reopening needs a ``note``; a duplicate needs ``duplicate_of``, never itself, never a
    cycle (it is linked to the end of the other request's chain, and its own duplicates
    follow it there), and its requester and watchers become watchers of the canonical
    request; delivering needs the dataset's name and location. ``snooze_until`` (after
    today) snoozes the request on the way to an active status; any move ends a snooze.

    Records ``first_triaged_at`` on the first move out of open (triage ends with accept,
    decline or duplicate) and ``delivered_at`` on delivery, a ``DataGapStatusChange`` and an
    activity event (delivery names the requester and watchers to tell). Rows are locked;
    a caller that says which status it saw (``expected_from``) gets a ``Conflict`` when
    someone moved the request first.
    """
    require_file(actor)
    duplicate_pk = getattr(duplicate_of, "pk", None)
    _lock_all([request.pk] + ([duplicate_pk] if duplicate_pk else []))
    request = lock(request.pk)
    if expected_from and expected_from != request.status:
        raise stale(request)
    if to not in Status.values:
        raise ValidationError({"to": f"“{to}” is not a status of a data-gap request."})
    if to in REQUESTER_MOVES:
        require_edit(actor, request)
    else:
        require_triage(actor)
    if to not in DATAGAP_TRANSITIONS.get(request.status, frozenset()):
        allowed = ", ".join(_label(s) for s in allowed_statuses(request.status)) or "nothing"
        raise ValidationError(
            {
                "to": f"A request that is {_label(request.status)} cannot move to "
                f"{_label(to)}; it can move to: {allowed}."
            }
        )
    note, reason = clean_text(note), clean_text(reason)
    delivered_dataset = clean_text(delivered_dataset)
    delivered_location = clean_text(delivered_location)
    delivered_notes = clean_text(delivered_notes)
    refuse_nul(
        note=note,
        reason=reason,
        delivered_dataset=delivered_dataset,
        delivered_location=delivered_location,
        delivered_notes=delivered_notes,
    )
    errors: dict[str, str] = {}
    if to in REASON_REQUIRED and not reason:
        errors["reason"] = "Give a reason for declining the request."
    if len(reason) > DataGap.REASON_MAX_LENGTH or len(note) > DataGap.REASON_MAX_LENGTH:
        errors["reason" if len(reason) > len(note) else "note"] = (
            f"Keep it to {DataGap.REASON_MAX_LENGTH:,} characters or fewer."
        )
    if to in NOTE_REQUIRED and not note:
        errors["note"] = "Say why the request is reopened."
    if to == Status.DELIVERED:
        if not delivered_dataset:
            errors["delivered_dataset"] = "Name the dataset that was delivered."
        if not delivered_location:
            errors["delivered_location"] = "Say where the delivered data is (table, path, URL)."
        if len(delivered_dataset) > 200:
            errors["delivered_dataset"] = "Keep the name to 200 characters or fewer."
        if len(delivered_location) > 500:
            errors["delivered_location"] = "Keep the location to 500 characters or fewer."
    if to == Status.DUPLICATE and duplicate_of is None:
        errors["duplicate_of"] = "Choose the request this one duplicates."
    if snooze_until is not None:
        if to not in ACTIVE_STATUSES:
            errors["snooze_until"] = f"A {_label(to)} request cannot be snoozed."
        else:
            check_date_range(DataGap(snoozed_until=snooze_until), ("snoozed_until",))
            if snooze_until <= timezone.localdate():
                errors["snooze_until"] = "Snooze until a date after today."
    if errors:
        raise ValidationError(errors)
    canonical = None
    if to == Status.DUPLICATE:
        if duplicate_of.pk == request.pk:
            raise ValidationError({"duplicate_of": "A request cannot duplicate itself."})
        canonical = _canonical(DataGap.objects.get(pk=duplicate_of.pk), request)

    now = timezone.now()
    from_status = request.status
    request.status = to
    request.decline_reason = reason if to == Status.DECLINED else ""
    request.duplicate_of = canonical
    request.snoozed_until = snooze_until
    if from_status == Status.OPEN and request.first_triaged_at is None:
        request.first_triaged_at = now
    if to == Status.DELIVERED:
        request.delivered_at = now
        request.delivered_dataset = delivered_dataset
        request.delivered_location = delivered_location
        request.delivered_notes = delivered_notes
    elif from_status == Status.DELIVERED:
        # Reopened: it counts as delivered again only when it is.
        request.delivered_at = None
    request.save(
        update_fields=[
            "status", "decline_reason", "duplicate_of", "snoozed_until", "first_triaged_at",
            "delivered_at", "delivered_dataset", "delivered_location", "delivered_notes",
            "updated_at",
        ]
    )  # fmt: skip
    data = {"request": request.pk, "from": from_status, "to": to}
    if canonical is not None:
        # Keep chains one link long: what duplicated this request now duplicates the
        # canonical one; and everyone who waited on this request hears from the canonical.
        DataGap.objects.filter(duplicate_of=request).update(duplicate_of=canonical)
        waiting = set(_audience(request)) - {canonical.requester_id}
        canonical.watchers.add(*waiting)
        data["duplicate_of"] = canonical.pk
    if to == Status.DELIVERED:
        data.update(
            dataset=delivered_dataset,
            location=delivered_location,
            notes=delivered_notes,
            notify=_audience(request),
        )
    if reason:
        data["reason"] = reason
    if note:
        data["note"] = note
    if snooze_until is not None:
        data["snooze_until"] = snooze_until.isoformat()
    DataGapStatusChange.objects.create(
        request=request,
        from_status=from_status,
        to_status=to,
        actor=actor,
        note=reason or note,
        created_at=now,
    )
    activity_record(
        actor=actor, event=EVENTS[to], target=request, project=request.project, data=data
    )
    return request


def _one_by_one(requests: Iterable[DataGap], act) -> list[DataGap]:
    """Apply ``act`` to each request; a refusal names the request it was about."""
    done = []
    for request in requests:
        try:
            done.append(act(request))
        except ValidationError as error:
            messages = " ".join(error.messages)
            raise ValidationError(
                {"requests": f"#{request.pk} “{request.title}”: {messages}"}
            ) from error
    return done


@transaction.atomic
def datagap_bulk_triage(*, requests: Iterable[DataGap], actor: User) -> list[DataGap]:
    """Triage several open requests at once: all of them, or none (the first refusal says
    which request and why; one moved by someone else since the caller read it is a
    ``Conflict``)."""
    require_triage(actor)
    requests = list(requests)
    if not requests:
        raise ValidationError({"requests": "Choose at least one request."})
    return _one_by_one(
        requests,
        lambda r: datagap_transition(
            request=r, to=Status.TRIAGED, actor=actor, expected_from=r.status
        ),
    )


@transaction.atomic
def datagap_bulk_assign(
    *, requests: Iterable[DataGap], assignee: User | None, actor: User
) -> list[DataGap]:
    """Give several requests to one data engineer: all of them, or none."""
    require_triage(actor)
    requests = list(requests)
    if not requests:
        raise ValidationError({"requests": "Choose at least one request."})
    return _one_by_one(
        requests, lambda r: datagap_update(request=r, actor=actor, assignee=assignee)
    )


@transaction.atomic
def datagap_link_duplicates(
    *, canonical: DataGap, requests: Iterable[DataGap], actor: User, note: str = ""
) -> tuple[list[DataGap], list[DataGap]]:
    """Mark every request of ``requests`` a duplicate of ``canonical`` in one step (the
    recurring-asks page). ``(linked, skipped)``: requests already linked to it, and closed
    ones the table does not let become duplicates, are skipped; any other refusal refuses
    the whole step."""
    require_triage(actor)
    linked, skipped = [], []
    for request in requests:
        if request.pk == canonical.pk:
            continue
        if request.duplicate_of_id == canonical.pk or Status.DUPLICATE not in (
            DATAGAP_TRANSITIONS.get(request.status, frozenset())
        ):
            skipped.append(request)
            continue
        linked.extend(
            _one_by_one(
                [request],
                lambda r: datagap_transition(
                    request=r,
                    to=Status.DUPLICATE,
                    actor=actor,
                    duplicate_of=canonical,
                    note=note,
                    expected_from=r.status,
                ),
            )
        )
    return linked, skipped
