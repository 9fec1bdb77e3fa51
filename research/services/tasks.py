"""Engineering tasks of ideas: the idea's owner or a manager adds and changes them; the
task's owner may move it between states (to do, in progress, done); any member may claim
an unassigned one."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.models import person_label
from activity.models import EventType
from activity.services import activity_record
from core.exceptions import Conflict
from core.services import apply_changes, refuse_unknown_fields, save_changed

from ..cache import changes_research_data
from ..models import Idea, Task, TaskState
from ..permissions import (
    require_claim_task,
    require_contribute,
    require_edit_idea,
    require_edit_task,
    require_mark_task,
)
from ..transitions import TASK_TRANSITIONS
from ._common import nul_message, refuse_nul, require_active

TASK_EDITABLE_FIELDS = ("title", "owner", "done", "state", "due_date")
# Changing these is editing the task (its idea's owner or a manager); the rest is marking it.
TASK_EDIT_FIELDS = ("title", "owner", "due_date")


def tasks_clean(tasks: Iterable[dict]) -> list[dict]:
    """``{"title", "owner", "done", "state"}`` dicts with a title of 1 to 200 characters (no
    NUL) and an active owner, or a ValidationError on ``tasks`` listing what is wrong."""
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
        done = bool(task.get("done"))
        cleaned.append(
            {
                "title": title,
                "owner": task.get("owner"),
                "done": done,
                "state": TaskState.DONE if done else TaskState.TODO,
            }
        )
    if errors:
        raise ValidationError({"tasks": list(errors.values())})
    return cleaned


def next_task_position(idea: Idea) -> int:
    return (idea.tasks.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
@changes_research_data
def task_create(
    *,
    idea: Idea,
    title: str,
    actor: User,
    owner: User | None = None,
    due_date: datetime.date | None = None,
) -> Task:
    """Add an engineering task to an idea, to do; its owner or a manager."""
    require_edit_idea(actor, idea)
    refuse_nul(title=title)
    (task,) = tasks_clean([{"title": title, "owner": owner}])
    created = Task.objects.create(
        idea=idea, position=next_task_position(idea), due_date=due_date, **task
    )
    activity_record(
        actor=actor,
        event=EventType.TASK_CREATED,
        target=created,
        project=idea.board.project,
        data={"idea": idea.pk, "task": created.pk},
    )
    return created


def _settle_state(task: Task, changes: dict[str, Any]) -> None:
    """Turn ``done`` and/or ``state`` in ``changes`` into a consistent pair, refusing a move
    the transition table does not allow."""
    if "state" in changes:
        to = changes["state"]
        if to not in TaskState.values:
            choices = ", ".join(label.lower() for label in TaskState.labels)
            raise ValidationError({"state": f"Choose one of: {choices}."})
        if to != task.state and to not in TASK_TRANSITIONS.get(task.state, frozenset()):
            raise ValidationError(
                {
                    "state": f"A task that is {task.get_state_display().lower()} cannot move "
                    f"to {TaskState(to).label.lower()}."
                }
            )
        if "done" in changes and bool(changes["done"]) != (to == TaskState.DONE):
            raise ValidationError({"done": "Done and the state disagree; send one of them."})
    elif "done" in changes:
        if bool(changes["done"]):
            changes["state"] = TaskState.DONE
        elif task.state == TaskState.DONE:
            changes["state"] = TaskState.TODO
        else:
            changes["state"] = task.state
    if "state" in changes:
        changes["done"] = changes["state"] == TaskState.DONE


@transaction.atomic
@changes_research_data
def task_claim(*, task: Task, actor: User) -> Task:
    """Assign an unassigned task to the actor ("assign to me"); members only.

    Under the row lock: a task someone else claimed meanwhile is a :class:`Conflict` (409)
    naming them; claiming your own task again changes nothing; a done task is refused.
    """
    require_claim_task(actor)
    task = (
        Task.objects.select_for_update(of=("self",))
        .select_related("idea__board__project", "owner")
        .get(pk=task.pk)
    )
    if task.owner_id == actor.pk:
        return task
    if task.owner_id is not None:
        raise Conflict(
            f"{person_label(task.owner)} already claimed this task; reload to see who has what."
        )
    if task.done:
        raise ValidationError({"task": "This task is done; there is nothing to claim."})
    task.owner = actor
    save_changed(task, {"owner": [None, actor.pk]})
    activity_record(
        actor=actor,
        event=EventType.TASK_UPDATED,
        target=task,
        project=task.idea.board.project,
        data={"idea": task.idea_id, "task": task.pk, "claimed": True, "owner": actor.pk},
    )
    return task


@transaction.atomic
@changes_research_data
def task_update(*, task: Task, actor: User, toggle: bool = False, **changes: Any) -> Task:
    """Change a task's ``TASK_EDITABLE_FIELDS``; members only. The idea's owner or a manager
    may change anything; the task's owner may only move its state (or mark it done).

    ``state`` moves along ``TASK_TRANSITIONS``; ``done`` is kept equal to "the state is
    done" (``done=True`` is the done state, ``done=False`` reopens a done task as to do).
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
    if any(field in changes for field in TASK_EDIT_FIELDS):
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
    _settle_state(task, changes)
    changed = apply_changes(task, changes)
    if changed:
        save_changed(task, changed)
        activity_record(
            actor=actor,
            event=EventType.TASK_COMPLETED
            if task.done and ("done" in changed or "state" in changed)
            else EventType.TASK_UPDATED,
            target=task,
            project=task.idea.board.project,
            data={"idea": task.idea_id, "task": task.pk, **changed},
        )
    return task
