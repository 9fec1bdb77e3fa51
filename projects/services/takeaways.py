"""Takeaways: what people learned, owned by their author."""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from activity.models import EventType
from activity.services import activity_record
from core.services import (
    apply_changes,
    full_clean,
    normalise_tags,
    refuse_unknown_fields,
    save_changed,
)

from ..models import TAKEAWAY_TEXT_MAX_LENGTH, Project, Rotation, Takeaway
from ..permissions import require_edit_takeaway, require_share_takeaways

TAKEAWAY_EDITABLE_FIELDS = ("title", "text", "tags", "project", "rotation")


def _check_text_length(text: str) -> None:
    if len(text) > TAKEAWAY_TEXT_MAX_LENGTH:
        raise ValidationError(
            {
                "text": f"A takeaway is at most {TAKEAWAY_TEXT_MAX_LENGTH:,} characters; this "
                f"one has {len(text):,}. Keep the lesson and link to the details."
            }
        )


def _check_rotation_fits(
    *, rotation: Rotation | None, project: Project | None, author: User
) -> None:
    if rotation is None:
        return
    if rotation.person_id != author.pk:
        raise ValidationError({"rotation": "Pick one of your own rotations."})
    if project is not None and rotation.project_id != project.pk:
        raise ValidationError({"rotation": "That rotation is on another project."})


@transaction.atomic
def takeaway_create(
    *,
    actor: User,
    title: str,
    text: str,
    tags: str | list[str] | None = "",
    project: Project | None = None,
    rotation: Rotation | None = None,
) -> Takeaway:
    """Share what you learned. Members and up; the author is always the actor, the text at
    most ``TAKEAWAY_TEXT_MAX_LENGTH`` characters, and a linked rotation must be the author's
    own (its project becomes the takeaway's project)."""
    require_share_takeaways(actor)
    _check_text_length(text or "")
    _check_rotation_fits(rotation=rotation, project=project, author=actor)
    if rotation is not None and project is None:
        project = rotation.project
    takeaway = Takeaway(
        author=actor,
        title=(title or "").strip(),
        text=text or "",
        tags=normalise_tags(tags),
        project=project,
        rotation=rotation,
    )
    full_clean(takeaway)
    takeaway.save()
    activity_record(
        actor=actor,
        event=EventType.TAKEAWAY_CREATED,
        target=takeaway,
        project=project,
        data={"title": takeaway.title[:200], "tags": takeaway.tag_list},
    )
    return takeaway


@transaction.atomic
def takeaway_update(*, takeaway: Takeaway, actor: User, **changes: Any) -> Takeaway:
    """Edit a takeaway: its author (a member or up) or an admin."""
    require_share_takeaways(actor)
    refuse_unknown_fields(changes, TAKEAWAY_EDITABLE_FIELDS)
    takeaway = Takeaway.objects.select_for_update().get(pk=takeaway.pk)
    require_edit_takeaway(actor, takeaway)
    if "text" in changes:
        _check_text_length(changes["text"] or "")
    if "tags" in changes:
        changes["tags"] = normalise_tags(changes["tags"])
    if "rotation" in changes or "project" in changes:
        _check_rotation_fits(
            rotation=changes.get("rotation", takeaway.rotation),
            project=changes.get("project", takeaway.project),
            author=takeaway.author,
        )
    changed = apply_changes(takeaway, changes)
    full_clean(takeaway)
    if changed:
        save_changed(takeaway, changed)
        activity_record(
            actor=actor,
            event=EventType.TAKEAWAY_UPDATED,
            target=takeaway,
            project=takeaway.project,
            data={"fields": sorted(changed)},
        )
    return takeaway


@transaction.atomic
def takeaway_delete(*, takeaway: Takeaway, actor: User) -> None:
    """Delete a takeaway: its author or an admin."""
    require_edit_takeaway(actor, takeaway)
    activity_record(
        actor=actor,
        event=EventType.TAKEAWAY_DELETED,
        target=takeaway,
        project=takeaway.project,
        data={"title": takeaway.title[:200]},
    )
    takeaway.delete()
