"""Engineering tasks from the idea page: add one, mark one done or not done."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.forms import submit_form

from .. import selectors, services
from ..forms import TaskForm
from ..permissions import require_edit_idea
from ._common import safe_next


@require_POST
def idea_task_create(request: HttpRequest, pk: int) -> HttpResponse:
    idea = get_object_or_404(selectors.idea_with_board(), pk=pk)
    require_edit_idea(request.user, idea)
    form = TaskForm(request.POST)
    if submit_form(form, services.task_create, idea=idea, actor=request.user):
        return redirect(f"{idea.get_absolute_url()}#tasks")
    return render(
        request,
        "research/form_page.html",
        {"title": "Add a task", "form": form, "action": request.path, "back": idea},
        status=400,
    )


@require_POST
def task_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(selectors.task_detail(), pk=pk)
    # The service flips the state under a row lock: reading ``task.done`` here and posting
    # its opposite would lose one of two quick clicks.
    services.task_update(task=task, actor=request.user, toggle=True)
    return redirect(safe_next(request, f"{task.idea.get_absolute_url()}#tasks"))
