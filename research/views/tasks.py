"""Engineering tasks: add one on the idea page, edit one (title, owner, due date), mark one
done or not done, My tasks, claim one ("assign to me") and move one between states from the
list and the dashboard."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.exceptions import Conflict
from core.filters import filters_or_default
from core.forms import submit_form

from .. import selectors, services
from ..filters import ME, OPEN, MyTasksFilter
from ..forms import IdeaTaskForm
from ..permissions import require_edit_idea, require_edit_task
from ._common import safe_next


@require_POST
def idea_task_create(request: HttpRequest, pk: int) -> HttpResponse:
    idea = get_object_or_404(selectors.idea_with_board(), pk=pk)
    require_edit_idea(request.user, idea)
    form = IdeaTaskForm(request.POST)
    if submit_form(form, services.task_create, idea=idea, actor=request.user):
        return redirect(f"{idea.get_absolute_url()}#tasks")
    return render(
        request,
        "research/form_page.html",
        {"title": "Add a task", "form": form, "action": request.path, "back": idea},
        status=400,
    )


def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename, reassign or re-date a task: its idea's owner or a manager (the service's
    rule; the task's own owner only moves its state)."""
    task = get_object_or_404(selectors.task_detail(), pk=pk)
    require_edit_task(request.user, task, task.idea)
    back = safe_next(request, f"{task.idea.get_absolute_url()}#tasks")
    form = IdeaTaskForm.for_task(task, request.POST if request.method == "POST" else None)
    saved = request.method == "POST" and submit_form(
        form, services.task_update, task=task, actor=request.user
    )
    if saved:
        messages.success(request, f"Saved “{saved.title}”.")
        return redirect(back)
    return render(
        request,
        "research/task_edit.html",
        {"title": f"Edit task “{task.title}”", "form": form, "task": task, "back": back},
        status=400 if form.errors else 200,
    )


@require_POST
def task_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(selectors.task_detail(), pk=pk)
    # The service flips the state under a row lock: reading ``task.done`` here and posting
    # its opposite would lose one of two quick clicks.
    services.task_update(task=task, actor=request.user, toggle=True)
    return redirect(safe_next(request, f"{task.idea.get_absolute_url()}#tasks"))


def my_tasks(request: HttpRequest) -> HttpResponse:
    """My tasks: by default the person's open tasks, soonest due first; the filters show
    the unassigned ones to claim, other states and projects. One filter for this page and
    the API list (``TaskFilter``)."""
    data = filters_or_default(request.GET, {"assignee": ME, "state": OPEN})
    filterset = MyTasksFilter(data, queryset=selectors.task_rows(), request=request)
    rows = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "research/my_tasks.html",
        {
            "title": "My tasks",
            "filter": filterset,
            "page": page,
            "today": timezone.localdate(),
            "next": request.get_full_path(),
        },
    )


@require_POST
def task_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Assign to me": the claim service decides; someone faster gets their name shown."""
    task = get_object_or_404(selectors.task_detail(), pk=pk)
    try:
        claimed = services.task_claim(task=task, actor=request.user)
    except Conflict as conflict:
        messages.error(request, str(conflict))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{claimed.title}” is yours.")
    return redirect(safe_next(request, reverse("research:my-tasks")))


@require_POST
def task_state(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a task to the state of the button pressed (to do, in progress, done)."""
    task = get_object_or_404(selectors.task_detail(), pk=pk)
    try:
        moved = services.task_update(
            task=task, actor=request.user, state=request.POST.get("state", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{moved.title}” is {moved.get_state_display().lower()}.")
    return redirect(safe_next(request, reverse("research:my-tasks")))
