"""Targets and ideal user scenarios: an ordered list per project."""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from activity.models import EventType
from activity.services import activity_record
from core.services import apply_changes, full_clean, refuse_unknown_fields, save_changed

from ..models import Project, Target, TargetKind
from ..permissions import require_edit_targets

TARGET_EDITABLE_FIELDS = ("kind", "text")

_GONE = "This target was deleted meanwhile; reload the page."


@transaction.atomic
def target_create(
    *, project: Project, actor: User, text: str, kind: str = TargetKind.TARGET
) -> Target:
    """Append a target or scenario to the project's ordered list. Managers only."""
    require_edit_targets(actor)
    project = Project.objects.select_for_update().get(pk=project.pk)
    last = project.targets.aggregate(last=Max("position"))["last"]
    target = Target(project=project, kind=kind, text=(text or "").strip(), position=(last or 0) + 1)
    full_clean(target)
    target.save()
    activity_record(
        actor=actor,
        event=EventType.TARGET_CREATED,
        target=target,
        project=project,
        data={"kind": kind, "text": target.text[:200]},
    )
    return target


@transaction.atomic
def target_update(*, target: Target, actor: User, **changes: Any) -> Target:
    """Change a target's text or kind. Managers only."""
    require_edit_targets(actor)
    refuse_unknown_fields(changes, TARGET_EDITABLE_FIELDS)
    target = Target.objects.select_for_update().filter(pk=target.pk).first()
    if target is None:
        raise ValidationError({"target": _GONE})
    if "text" in changes:
        changes["text"] = (changes["text"] or "").strip()
    changed = apply_changes(target, changes)
    full_clean(target)
    if changed:
        save_changed(target, changed)
        activity_record(
            actor=actor,
            event=EventType.TARGET_UPDATED,
            target=target,
            project=target.project,
            data={k: [str(v)[:200] for v in pair] for k, pair in changed.items()},
        )
    return target


@transaction.atomic
def target_delete(*, target: Target, actor: User) -> None:
    """Remove a target. Managers only."""
    require_edit_targets(actor)
    project = target.project
    activity_record(
        actor=actor,
        event=EventType.TARGET_DELETED,
        target=target,
        project=project,
        data={"text": target.text[:200]},
    )
    target.delete()


@transaction.atomic
def target_move(*, target: Target, actor: User, direction: str) -> Target:
    """Swap a target with its neighbour (``up`` or ``down``) in the project's order."""
    require_edit_targets(actor)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Use “up” or “down”."})
    siblings = list(
        Target.objects.select_for_update()
        .filter(project_id=target.project_id)
        .order_by("position", "id")
    )
    index = next((i for i, t in enumerate(siblings) if t.pk == target.pk), None)
    if index is None:  # deleted since the caller fetched it
        raise ValidationError({"target": _GONE})
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, item in enumerate(siblings, start=1):
            if item.position != position:
                Target.objects.filter(pk=item.pk).update(position=position)
        activity_record(
            actor=actor,
            event=EventType.TARGETS_REORDERED,
            target=siblings[other],
            project=target.project,
            data={"direction": direction},
        )
    target.refresh_from_db()
    return target
