"""Flag pages: the list (everyone's and a project's tab), a flag with its history and moves,
raising and editing, and the early-warning figures. Adapters over selectors and services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import Conflict
from core.forms import apply_service_errors, submit_form
from core.registries import project_tabs
from projects.models import Project
from projects.selectors import project_by_slug

from . import selectors, services
from .filters import FlagFilter
from .forms import FlagForm, StatsForm, TransitionForm
from .models import Flag
from .permissions import can_edit_flag, can_move_flag, can_raise, require_edit_flag, require_raise
from .transitions import ACTION_LABELS, NOTE_REQUIRED, allowed_statuses

PAGE_SIZE = 50


def _project_or_404(slug: str) -> Project:
    if (project := project_by_slug(slug)) is None:
        raise Http404("No project here.")
    return project


def _filtered_page(request: HttpRequest, queryset, **fixed):
    """The FilterSet of the list (shared with the API) over ``queryset``, and one page."""
    data = request.GET.copy()
    for key in fixed:
        data.pop(key, None)
    filterset = FlagFilter(data or None, queryset=queryset)
    rows = queryset.none() if filterset.is_bound and not filterset.is_valid() else filterset.qs
    if not data.get("ordering"):
        rows = rows.order_by(*selectors.DEFAULT_ORDER)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return filterset, page


def flag_list(request: HttpRequest) -> HttpResponse:
    """Every flag, filtered by project, kind, severity, status, owner and overdue."""
    filterset, page = _filtered_page(request, selectors.flag_list())
    return render(
        request,
        "flags/flag_list.html",
        {
            "title": "Dependency flags",
            "filter": filterset,
            "page": page,
            "can_raise": can_raise(request.user),
        },
    )


def project_flags(request: HttpRequest, slug: str) -> HttpResponse:
    """A project's Flags tab: its flags, active and worst first, and "Raise a flag"."""
    project = _project_or_404(slug)
    filterset, page = _filtered_page(
        request, selectors.flag_list().filter(project=project), project=True
    )
    del filterset.form.fields["project"]
    return render(
        request,
        "flags/project_flags.html",
        {
            "title": f"Flags · {project.name}",
            "project": project,
            "tabs": project_tabs(project, "flags"),
            "filter": filterset,
            "page": page,
            "can_raise": can_raise(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def flag_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Raise a flag on a project; ``?idea=ID`` starts it on one of the project's ideas."""
    project = _project_or_404(slug)
    require_raise(request.user)
    initial = {}
    if (idea := request.GET.get("idea", "")).isascii() and idea.isdigit():
        initial["idea"] = int(idea)
    form = FlagForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST":
        flag = submit_form(form, services.flag_raise, project=project, actor=request.user)
        if flag is not None:
            messages.success(request, f"Flag “{flag.title}” raised.")
            return redirect(flag)
    return render(
        request,
        "flags/flag_form.html",
        {
            "title": f"Raise a dependency flag on {project.name}",
            "form": form,
            "project": project,
            "back": project.get_absolute_url(),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def flag_edit(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(selectors.flag_list(), pk=pk)
    require_edit_flag(request.user, flag)
    form = FlagForm(request.POST or None, instance=flag, project=flag.project)
    if request.method == "POST":
        saved = submit_form(form, services.flag_update, flag=flag, actor=request.user)
        if saved is not None:
            messages.success(request, "Flag saved.")
            return redirect(saved)
    return render(
        request,
        "flags/flag_form.html",
        {
            "title": f"Edit “{flag.title}”",
            "form": form,
            "project": flag.project,
            "back": flag.get_absolute_url(),
        },
        status=400 if form.errors else 200,
    )


def _moves(user, flag: Flag, form: TransitionForm | None = None) -> list[dict]:
    """The moves this person may make from the flag's status, from the transition table."""
    return [
        {
            "to": to,
            "label": ACTION_LABELS[to],
            "needs_note": to in NOTE_REQUIRED,
            "form": form if form is not None and form.data.get("to") == to else None,
        }
        for to in allowed_statuses(flag.status)
        if can_move_flag(user, flag, to)
    ]


def flag_detail(
    request: HttpRequest, pk: int, transition_form: TransitionForm | None = None
) -> HttpResponse:
    """A flag: what it asks of engineering, its people and dates, the moves, its history."""
    flag = get_object_or_404(selectors.flag_list(), pk=pk)
    return render(
        request,
        "flags/flag_detail.html",
        {
            "title": flag.title,
            "flag": flag,
            "project": flag.project,
            "history": selectors.flag_history(flag),
            "escalations": selectors.flag_escalations(flag),
            "moves": _moves(request.user, flag, transition_form),
            "refusal": transition_form.non_field_errors() if transition_form else None,
            "can_edit": can_edit_flag(request.user, flag),
        },
        status=400 if transition_form is not None else 200,
    )


@require_POST
def flag_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """The move buttons of the flag page; the one transition service decides."""
    flag = get_object_or_404(Flag, pk=pk)
    form = TransitionForm(request.POST)
    try:
        moved = submit_form(form, services.flag_transition, flag=flag, actor=request.user)
    except Conflict as conflict:
        messages.error(request, str(conflict))
        return redirect(flag)
    if moved is not None:
        messages.success(request, f"“{moved.title}” moved to {moved.get_status_display()}.")
        return redirect(moved)
    return flag_detail(request, pk, transition_form=_with_to_errors(form))


def _with_to_errors(form: TransitionForm) -> TransitionForm:
    """Messages on the hidden ``to`` field are shown with the form's own."""
    for message in form.errors.pop("to", []):
        form.add_error(None, message)
    return form


def flag_stats(request: HttpRequest) -> HttpResponse:
    """How early flags are caught, how fast they are acknowledged and resolved, and the lead
    time each gave, for a period and a project (or all)."""
    form = StatsForm(request.GET or None, projects=Project.objects.order_by("name"))
    start, end = selectors.default_stats_period()
    project = None
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
        project = form.cleaned_data["project"]
    try:
        selectors.stats_period_check(start, end)
    except ValidationError as error:
        apply_service_errors(form, error)
        start, end = selectors.default_stats_period()
    stats = selectors.flag_stats(start=start, end=end, project=project)
    return render(
        request,
        "flags/flag_stats.html",
        {
            "title": "Early warning",
            "form": form,
            "stats": stats,
            "project": project,
            "chart": {
                "labels": [m["month"] for m in stats["by_month"]],
                "early": [m["early"] for m in stats["by_month"]],
                "late": [m["late"] for m in stats["by_month"]],
            },
        },
        status=400 if form.errors else 200,
    )
