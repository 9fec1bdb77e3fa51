"""Engineering tasks: an idea's, a project's, a person's open and claimable ones, and the
joined rows every task list reads."""

from django.db.models import F, QuerySet

from projects.models import Project
from projects.selectors import person_projects_q

from ..models import Idea, Task


def tasks_for_project(project: Project) -> QuerySet:
    """Engineering tasks of the project's promoted ideas (for the project pages)."""
    return task_rows().filter(idea__board__project=project)


def idea_has_tasks(idea: Idea) -> bool:
    return Task.objects.filter(idea=idea).exists()


def idea_tasks(idea: Idea) -> list[Task]:
    """An idea's engineering tasks with their owners, in order; each knows ``idea`` (with
    whatever it already carries, such as its board and project) without a query."""
    tasks = list(Task.objects.filter(idea=idea).select_related("owner").order_by("position", "id"))
    for task in tasks:
        task.idea = idea
    return tasks


def open_tasks_of(user, *, limit: int = 10) -> QuerySet[Task]:
    """Engineering tasks assigned to the person and not done yet, soonest due first."""
    return task_rows().filter(owner=user, done=False)[:limit]


def claimable_tasks_for(user, *, limit: int = 10) -> QuerySet[Task]:
    """Unassigned open tasks on the person's projects (rotations, memberships, managed):
    what they could claim from the dashboard."""
    projects = Project.objects.filter(person_projects_q(user)).values("pk")
    return task_rows().filter(idea__board__project__in=projects, owner__isnull=True, done=False)[
        :limit
    ]


def task_rows() -> QuerySet[Task]:
    """Tasks with their idea, board, project and owner joined, for task lists (My tasks,
    the dashboard, the project page): open before done, soonest due first, then in each
    idea's order."""
    return Task.objects.select_related("idea__board__project", "owner__profile").order_by(
        "done", F("due_date").asc(nulls_last=True), "idea_id", "position", "id"
    )


def task_detail() -> QuerySet[Task]:
    """Tasks with their idea (where marking one done sends the person back)."""
    return Task.objects.select_related("idea")


def task_list() -> QuerySet[Task]:
    """Engineering tasks in each idea's order (for the API)."""
    return Task.objects.order_by("idea_id", "position", "id")
