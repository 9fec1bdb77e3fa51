"""Ideas: proposing, editing, moving through the status table, ordering within a column."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from activity.models import EventType
from activity.services import activity_record
from core.exceptions import Conflict
from core.services import apply_changes, full_clean, refuse_unknown_fields, save_changed
from core.text import percent

from .. import selectors
from ..cache import changes_research_data
from ..models import Board, Idea, IdeaStatusChange, Maturity, Status, Task
from ..permissions import require_assign_others, require_contribute, require_edit_idea
from ..transitions import IDEA_TRANSITIONS, REASON_REQUIRED, allowed_statuses
from ._common import refuse_nul, require_active
from .tasks import next_task_position, tasks_clean

IDEA_EDITABLE_FIELDS = ("title", "hypothesis", "maturity", "owner")


def _stale(idea: Idea) -> Conflict:
    """The lost race of an idea moved by someone else after the caller looked at it."""
    return Conflict(
        f"“{idea.title}” is {idea.get_status_display().lower()} now: someone moved it "
        "meanwhile. Reload and try again."
    )


def _lock_columns(board_id: int) -> None:
    """Hold the board's columns until commit: every write of ``Idea.position`` takes this first.

    Without it, ideas created at the same moment all read the same top position and share
    the next one. ``FOR NO KEY UPDATE`` on the board row serialises position writers only:
    rows that merely reference the board (ideas, status changes) take ``FOR KEY SHARE``,
    which it does not block. Taken before any idea row lock, so writers cannot deadlock.
    """
    list(Board.objects.select_for_update(no_key=True).filter(pk=board_id).values_list("pk"))


def _next_position(board_id: int, status: str) -> int:
    """The position after the last idea of the column; call with the board locked."""
    top = Idea.objects.filter(board_id=board_id, status=status).aggregate(top=Max("position"))
    return (top["top"] or 0) + 1


@transaction.atomic
@changes_research_data
def idea_create(
    *,
    board: Board,
    title: str,
    actor: User,
    hypothesis: str = "",
    owner: User | None = None,
    maturity: str = Maturity.IDEA,
) -> Idea:
    """Add a proposed idea to ``board``. Members create their own; managers may assign anyone.

    Records the first status change (from nothing to proposed) for the funnel.
    """
    require_contribute(actor)
    owner = owner or actor
    require_assign_others(actor, owner)
    require_active(owner)
    refuse_nul(title=title, hypothesis=hypothesis)
    _lock_columns(board.pk)
    idea = Idea(
        board=board,
        title=title.strip(),
        hypothesis=hypothesis.strip(),
        owner=owner,
        maturity=maturity,
        status=Status.PROPOSED,
        position=_next_position(board.pk, Status.PROPOSED),
    )
    full_clean(idea)
    idea.save()
    IdeaStatusChange.objects.create(
        idea=idea, board=board, from_status="", to_status=Status.PROPOSED, actor=actor
    )
    activity_record(
        actor=actor,
        event=EventType.IDEA_CREATED,
        target=idea,
        project=board.project,
        data={"board": board.pk, "idea": idea.pk},
    )
    return idea


@transaction.atomic
@changes_research_data
def idea_update(*, idea: Idea, actor: User, **changes: Any) -> Idea:
    """Edit an idea's ``IDEA_EDITABLE_FIELDS``: its owner or a manager; handing it to
    someone else (``owner``), managers only. The status is not editable here: see
    ``idea_transition``. Saves and records an event only when something changed.
    """
    idea = (
        Idea.objects.select_for_update(of=("self",))
        .select_related("board__project")
        .get(pk=idea.pk)
    )
    require_edit_idea(actor, idea)
    refuse_unknown_fields(changes, IDEA_EDITABLE_FIELDS)
    for field in ("title", "hypothesis"):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
            refuse_nul(**{field: changes[field]})
    owner = changes.get("owner")
    if owner is not None and owner.pk != idea.owner_id:
        require_assign_others(actor, owner)
        require_active(owner)
    changed = apply_changes(idea, changes)
    full_clean(idea)
    if changed:
        save_changed(idea, changed)
        activity_record(
            actor=actor,
            event=EventType.IDEA_UPDATED,
            target=idea,
            project=idea.board.project,
            data={"idea": idea.pk, **changed},
        )
    return idea


def promotion_below_bar(idea: Idea) -> tuple[float, float, str] | None:
    """``(gain_pct, gain_bar, message)`` when ``idea``'s gain on its board's primary metric
    is known and below the board's gain bar (a gain exactly at the bar clears it); else None.

    An idea without a reading on the primary metric (or a baseline of 0) has no known gain
    and is not held back here: there is nothing to compare with the bar.
    """
    standing = selectors.idea_primary_gain(idea)
    if standing is None or standing["gain_pct"] is None:
        return None
    gain, bar = standing["gain_pct"], standing["gain_bar"]
    if selectors.clears_bar(gain, bar):
        return None
    gains = percent(gain, signed=True, below=bar)
    return (
        gain,
        bar,
        f"“{idea.title}” gains {gains} on {standing['metric']}, below this board's "
        f"gain bar of {bar:g} %. Confirm to promote it below the bar; the promotion records "
        "that it was.",
    )


@transaction.atomic
@changes_research_data
def idea_transition(
    *,
    idea: Idea,
    to: str,
    actor: User,
    reason: str = "",
    tasks: Iterable[dict] | None = None,
    expected_from: str | None = None,
    confirm_below_bar: bool = False,
) -> Idea:
    """Move an idea to status ``to``; the only code that writes ``Idea.status``.

    Enforces: the idea's owner or a manager acts; the move is in ``IDEA_TRANSITIONS``;
    dropping needs a reason (at most ``Idea.REASON_MAX_LENGTH`` characters); promoting needs
    at least one engineering task (existing, or given in ``tasks`` as ``{"title", "owner",
    "done"}`` dicts and created here); promoting an idea whose gain on the primary metric
    is below the board's gain bar needs ``confirm_below_bar`` and is recorded as such on
    the status change and the event (``promotion_below_bar``). Both refusals of a promotion
    come together. Records an ``IdeaStatusChange`` (the funnel) and an activity event. The
    row is locked, so two concurrent moves cannot both start from the same status; a caller
    that says which status it saw (``expected_from``) gets a ``Conflict`` when someone moved
    it first.
    """
    _lock_columns(idea.board_id)
    idea = (
        Idea.objects.select_for_update(of=("self",))
        .select_related("board__project")
        .get(pk=idea.pk)
    )
    require_edit_idea(actor, idea)
    if expected_from and expected_from != idea.status:
        raise _stale(idea)
    if to not in Status.values:
        raise ValidationError({"to": f"“{to}” is not a status."})
    if to not in IDEA_TRANSITIONS.get(idea.status, frozenset()):
        allowed = ", ".join(Status(s).label.lower() for s in allowed_statuses(idea.status))
        raise ValidationError(
            {
                "to": f"An idea that is {idea.get_status_display().lower()} cannot move to "
                f"{Status(to).label.lower()}; it can move to: {allowed}."
            }
        )
    reason = (reason or "").strip()
    refuse_nul(reason=reason)
    if to in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": "Give a reason for dropping the idea."})
    if len(reason) > Idea.REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"Keep the reason to {Idea.REASON_MAX_LENGTH:,} characters or fewer."}
        )
    below = None
    if to == Status.PROMOTED:
        problems = {}
        new_tasks = tasks_clean(tasks or [])
        if not new_tasks and not idea.tasks.exists():
            problems["tasks"] = (
                "Break the idea down into at least one engineering task before promoting it."
            )
        below = promotion_below_bar(idea)
        if below and not confirm_below_bar:
            problems["confirm_below_bar"] = below[2]
        if problems:
            raise ValidationError(problems)
        start = next_task_position(idea)
        Task.objects.bulk_create(
            Task(idea=idea, position=start + i, **task) for i, task in enumerate(new_tasks)
        )
    from_status = idea.status
    idea.status = to
    idea.dropped_reason = reason if to == Status.DROPPED else ""
    idea.position = _next_position(idea.board_id, to)
    idea.save(update_fields=["status", "dropped_reason", "position", "updated_at"])
    below_bar = {"below_bar": True, "gain_pct": below[0], "gain_bar": below[1]} if below else {}
    change = IdeaStatusChange.objects.create(
        idea=idea, board_id=idea.board_id, from_status=from_status, to_status=to, actor=actor,
        reason=reason, **below_bar,
    )  # fmt: skip
    # The timeline shows an event's ``marker`` as it stands (see ``activity.models``).
    marker = {"marker": f"Promoted below the gain bar: {change.below_bar_note}"} if below else {}
    activity_record(
        actor=actor,
        event=EventType.IDEA_PROMOTED if to == Status.PROMOTED else EventType.IDEA_MOVED,
        target=idea,
        project=idea.board.project,
        data={
            "idea": idea.pk, "from": from_status, "to": to, "reason": reason,
            **below_bar, **marker,
        },
    )  # fmt: skip
    return idea


@transaction.atomic
@changes_research_data
def idea_reorder(*, idea: Idea, index: int, actor: User) -> Idea:
    """Place an idea at ``index`` (0-based, clamped) within its status column.

    The idea's owner or a manager; the column's positions are renumbered 1..n under row
    locks, so two concurrent reorders cannot interleave. Positions are unique per column
    (a deferred constraint, checked at commit, lets the renumbering pass through swaps).
    """
    require_edit_idea(actor, idea)
    if isinstance(index, bool) or not isinstance(index, int):
        raise ValidationError({"index": "Enter a whole number."})
    _lock_columns(idea.board_id)
    column = list(
        Idea.objects.select_for_update()
        .filter(board_id=idea.board_id, status=idea.status)
        .order_by("position", "id")
    )
    ordered = [other for other in column if other.pk != idea.pk]
    target = next((other for other in column if other.pk == idea.pk), None)
    if target is None:
        raise ValidationError({"index": "The idea moved meanwhile; reload and try again."})
    index = max(0, min(index, len(ordered)))
    ordered.insert(index, target)
    for position, other in enumerate(ordered, start=1):
        other.position = position
    Idea.objects.bulk_update(ordered, ["position"])
    activity_record(
        actor=actor,
        event=EventType.IDEA_REORDERED,
        target=target,
        project=idea.board.project,
        data={"idea": idea.pk, "index": index},
    )
    target.refresh_from_db(fields=["position"])
    return target
