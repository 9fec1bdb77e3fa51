"""Engineering tasks of ideas: the idea's owner or a manager adds and changes them; the
task's owner may mark it done."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from activity.models import EventType
from activity.services import activity_record
from core.services import apply_changes, refuse_unknown_fields, save_changed

from ..cache import changes_research_data
from ..models import Idea, Task
from ..permissions import (
    require_contribute,
    require_edit_idea,
    require_edit_task,
    require_mark_task,
)
from ._common import nul_message, refuse_nul, require_active

TASK_EDITABLE_FIELDS = ("title", "owner", "done")


def tasks_clean(tasks: Iterable[dict]) -> list[dict]:
    """``{"title", "owner", "done"}`` dicts with a title of 1 to 200 characters (no NUL) and
    an active owner, or a ValidationError on ``tasks`` listing what is wrong."""
    cleaned, errors = [], {}
    for index, task in enumerate(tasks):
        title = str(task.get("title") or "").strip()
        if not title:
            errors[f"tasks.{index}.title"] = "Give the task a title."
        elif len(title) > 200:
            errors[f"tasks.{index}.title"] = "Keep the title under 200 characters."
        elif message := nul_message(title):
            errors[f"tasks.{index}.title"] = message
        owner = task.get("owner")
        if owner is not None and not owner.is_active:
            errors[f"tasks.{index}.owner"] = "Choose someone whose account is active."
        cleaned.append({"title": title, "owner": task.get("owner"), "done": bool(task.get("done"))})
    if errors:
        raise ValidationError({"tasks": list(errors.values())})
    return cleaned


def next_task_position(idea: Idea) -> int:
    return (idea.tasks.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
@changes_research_data
def task_create(*, idea: Idea, title: str, actor: User, owner: User | None = None) -> Task:
    """Add an engineering task to an idea; its owner or a manager."""
    require_edit_idea(actor, idea)
    refuse_nul(title=title)
    (task,) = tasks_clean([{"title": title, "owner": owner}])
    created = Task.objects.create(idea=idea, position=next_task_position(idea), **task)
    activity_record(
        actor=actor,
        event=EventType.TASK_CREATED,
        target=created,
        project=idea.board.project,
        data={"idea": idea.pk, "task": created.pk},
    )
    return created


@transaction.atomic
@changes_research_data
def task_update(*, task: Task, actor: User, toggle: bool = False, **changes: Any) -> Task:
    """Change a task's ``TASK_EDITABLE_FIELDS``; members only. The idea's owner or a manager
    may change anything; the task's owner may only mark it done or not done.

    ``toggle`` flips ``done`` under the row lock, so two quick clicks cannot both read the
    same state and lose one of the changes. Saves and records an event only when something
    changed.
    """
    require_contribute(actor)
    refuse_unknown_fields(changes, TASK_EDITABLE_FIELDS)
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("idea__board__project")
        .get(pk=task.pk)
    )
    if "title" in changes or "owner" in changes:
        require_edit_task(actor, task, task.idea)
    else:
        require_mark_task(actor, task, task.idea)
    if "title" in changes:
        refuse_nul(title=changes["title"])
        changes["title"] = tasks_clean([{"title": changes["title"]}])[0]["title"]
    if changes.get("owner") is not None and changes["owner"].pk != task.owner_id:
        require_active(changes["owner"])
    if toggle:
        changes["done"] = not task.done
    if "done" in changes:
        changes["done"] = bool(changes["done"])
    changed = apply_changes(task, changes)
    if changed:
        save_changed(task, changed)
        activity_record(
            actor=actor,
            event=EventType.TASK_COMPLETED
            if task.done and "done" in changed
            else EventType.TASK_UPDATED,
            target=task,
            project=task.idea.board.project,
            data={"idea": task.idea_id, "task": task.pk, **changed},
        )
    return task
