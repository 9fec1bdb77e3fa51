"""Projects: the list, creating and editing one, and its pages (overview and phase, team,
takeaways, timeline)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from activity.selectors import project_activity
from core.exceptions import Conflict
from core.forms import submit_form
from core.registries import badges_for, gate_problems, project_tabs

from .. import permissions, portfolio, selectors, services
from ..filters import ProjectFilter
from ..forms import PhaseChangeForm, ProjectForm, TargetForm
from ..models import Phase, Project
from ..transitions import allowed_phases
from ._common import _filtered, _paginate


def project_list(request: HttpRequest) -> HttpResponse:
    """Projects filtered by phase, health, person and name."""
    filterset = ProjectFilter(request.GET or None, queryset=selectors.project_list())
    page = _paginate(request, _filtered(filterset))
    page.object_list = list(page.object_list)  # read once: the rows and their badges
    return render(
        request,
        "projects/project_list.html",
        {
            "title": "Projects",
            "filter": filterset,
            "page": page,
            # What other slices mark on a project (e.g. open flags), one query a slice.
            "badges": badges_for("projects.project", page.object_list),
        },
    )


def project_create(request: HttpRequest) -> HttpResponse:
    permissions.require_manage_projects(request.user)
    form = ProjectForm(request.POST or None)
    if request.method == "POST":
        project = submit_form(form, services.project_create, actor=request.user)
        if project is not None:
            messages.success(request, f"Created {project.name}. Add its targets next.")
            return redirect(project)
    return render(request, "projects/project_form.html", {"title": "New project", "form": form})


def project_edit(request: HttpRequest, slug: str) -> HttpResponse:
    permissions.require_manage_projects(request.user)
    project = _plain_project_or_404(slug)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST":
        saved = submit_form(form, services.project_update, project=project, actor=request.user)
        if saved is not None:
            messages.success(request, "Project saved.")
            return redirect(saved)
    return render(
        request,
        "projects/project_form.html",
        {"title": f"Edit {project.name}", "form": form, "project": project},
    )


def _project_page(request, project: Project, tab: str, template: str, **context) -> HttpResponse:
    return render(
        request,
        template,
        {
            "title": project.name,
            "project": project,
            "tabs": project_tabs(project, tab),
            "active_tab": tab,
            **context,
        },
    )


def _project_or_404(slug: str) -> Project:
    """The project with the list's counts, for the project pages."""
    return get_object_or_404(selectors.project_list(), slug=slug)


def _plain_project_or_404(slug: str) -> Project:
    """The project alone, for the pages and posts that change it."""
    if (project := selectors.project_by_slug(slug)) is None:
        raise Http404("No project here.")
    return project


def project_detail(
    request: HttpRequest, slug: str, phase_form: PhaseChangeForm | None = None
) -> HttpResponse:
    """Overview: what the project is for, its targets and scenarios, and its phase."""
    project = _project_or_404(slug)
    targets = list(selectors.project_targets(project))
    context = {
        "targets": targets,
        "phase_changes": selectors.project_phase_changes(project)[:5],
        "new_target_form": TargetForm(auto_id="id_new_target_%s"),
    }
    if permissions.allows(permissions.require_change_phase, request.user):
        context["phase_form"] = phase_form or PhaseChangeForm(
            project=project, release=_release_questions(project)
        )
        context["gate_problems"] = {
            Phase(phase).label: gate_problems(project, phase)
            for phase in allowed_phases(project.phase)
        }
    if permissions.allows(permissions.require_edit_targets, request.user):
        context["target_forms"] = {
            target.pk: TargetForm(instance=target, auto_id=f"t{target.pk}_%s") for target in targets
        }
    return _project_page(request, project, "overview", "projects/project_detail.html", **context)


@require_POST
def project_phase(request: HttpRequest, slug: str) -> HttpResponse:
    """The phase buttons: the one phase service decides (who, which move, gates); its
    messages go back on the form."""
    project = _plain_project_or_404(slug)
    form = PhaseChangeForm(request.POST, project=project, release=_release_questions(project))
    try:
        moved = submit_form(
            form, services.project_change_phase, project=project, actor=request.user
        )
    except Conflict as conflict:
        messages.error(request, str(conflict))
        return redirect(project)
    if moved is not None:
        messages.success(request, f"{moved.name} is now in {moved.get_phase_display()}.")
        return redirect(moved)
    response = project_detail(request, slug, phase_form=form)
    response.status_code = 400
    return response


def _release_questions(project: Project) -> dict | None:
    """What the phase form asks when releasing is a move from here: the suggested health
    and how many placeholders start later; ``None`` otherwise (no queries then)."""
    if Phase.RELEASED not in allowed_phases(project.phase):
        return None
    return {
        "suggestion": portfolio.release_health_suggestion(project),
        "future_placeholders": portfolio.future_placeholder_count(project),
    }


def project_team(request: HttpRequest, slug: str) -> HttpResponse:
    """Team and rotations: current, planned, placeholders and past."""
    project = _project_or_404(slug)
    return _project_page(
        request,
        project,
        "team",
        "projects/project_team.html",
        team=selectors.project_team(project),
        groups=selectors.project_rotation_groups(project, today=timezone.localdate()),
    )


def project_takeaways(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project_or_404(slug)
    takeaways = selectors.takeaway_list().filter(project=project)
    return _project_page(
        request,
        project,
        "takeaways",
        "projects/project_takeaways.html",
        page=_paginate(request, takeaways, 20),
    )


def project_timeline(request: HttpRequest, slug: str) -> HttpResponse:
    """Everything that happened on the project, newest first."""
    project = _project_or_404(slug)
    return _project_page(
        request,
        project,
        "timeline",
        "projects/project_timeline.html",
        page=_paginate(request, project_activity(project), 50),
    )
