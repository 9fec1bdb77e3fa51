"""HTML views of the projects app: parse input, call a selector or a service, render.

Who may write is decided by ``projects.permissions``: the services call it on every write
(``PermissionDenied`` becomes Django's 403 page with its message), and a page that shows a
form calls the same function first, so nobody sees a form they may not submit. Templates
offer actions through the same functions (the ``may`` filters).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Discipline
from activity.selectors import project_activity
from core.exceptions import Conflict
from core.forms import submit_form
from core.registries import badges_for, dashboard_panels, gate_problems, project_tabs

from . import permissions, portfolio, selectors, services
from .filters import PortfolioFilter, ProjectFilter, TakeawayFilter
from .forms import (
    DEFAULT_WEEKS,
    AvailabilityForm,
    PhaseChangeForm,
    ProjectForm,
    RotationForm,
    StaffingFilterForm,
    TakeawayForm,
    TargetForm,
)
from .models import Phase, Project, Rotation, Takeaway
from .transitions import allowed_phases


def _paginate(request: HttpRequest, queryset, per_page: int = 50):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _filtered(filterset):
    """The filterset's rows; none for an invalid filter (its errors show on the form)."""
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs


# --- dashboard ---------------------------------------------------------------------------


def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in person's home: their projects and rotations, who rolls off soon, the
    demand still to staff and the takeaways they were asked for. Later apps add panels."""
    today = timezone.localdate()
    home = selectors.dashboard(request.user, today=today)
    context = {
        "title": "Dashboard",
        "my_projects": home.my_projects,
        "my_rotations": home.my_rotations,
        "rolling_off": home.rolling_off,
        "unfilled": home.unfilled,
        "takeaways_due": home.takeaways_due,
        "today": today,
        "slice_panels": dashboard_panels(request.user),
    }
    return render(request, "projects/dashboard.html", context)


# --- projects ------------------------------------------------------------------------------


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


# --- targets -------------------------------------------------------------------------------


def _targets_anchor(slug: str) -> str:
    return reverse("projects:project-detail", kwargs={"slug": slug}) + "#targets"


def _flash_errors(request: HttpRequest, prefix: str, form) -> None:
    for field, errors in form.errors.items():
        label = "" if field == "__all__" else f"{field}: "
        messages.error(request, f"{prefix}: {label}{' '.join(errors)}")


@require_POST
def target_add(request: HttpRequest, slug: str) -> HttpResponse:
    project = _plain_project_or_404(slug)
    form = TargetForm(request.POST)
    if submit_form(form, services.target_create, project=project, actor=request.user) is None:
        _flash_errors(request, "Target not added", form)
    return redirect(_targets_anchor(slug))


@require_POST
def target_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Inline edit, move up/down or delete one target (the button pressed says which)."""
    target = get_object_or_404(selectors.target_list(), pk=pk, project__slug=slug)
    action = request.POST.get("action", "save")
    try:
        if action == "delete":
            services.target_delete(target=target, actor=request.user)
        elif action in ("up", "down"):
            services.target_move(target=target, actor=request.user, direction=action)
        else:
            form = TargetForm(request.POST)
            if submit_form(form, services.target_update, target=target, actor=request.user) is None:
                _flash_errors(request, "Target not saved", form)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_targets_anchor(slug))


# --- rotations -----------------------------------------------------------------------------


def _saved_rotation(request: HttpRequest, rotation: Rotation, message: str) -> HttpResponse:
    messages.success(request, message)
    for warning in services.rotation_warnings(rotation):
        messages.warning(request, warning)
    return redirect("projects:project-team", slug=rotation.project.slug)


def rotation_create(request: HttpRequest) -> HttpResponse:
    permissions.require_plan_rotations(request.user)
    project = selectors.project_by_slug(request.GET.get("project", ""))
    form = RotationForm(request.POST or None, initial={"project": project.pk if project else None})
    if request.method == "POST":
        rotation = submit_form(form, services.rotation_create, actor=request.user)
        if rotation is not None:
            return _saved_rotation(request, rotation, f"Added {rotation}.")
    data = request.POST if request.method == "POST" else form.initial
    return render(
        request,
        "projects/rotation_form.html",
        {
            "title": "New rotation",
            "form": form,
            "project": project,
            **_availability_context(data),
        },
    )


def rotation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require_plan_rotations(request.user)
    rotation = get_object_or_404(selectors.rotation_list(), pk=pk)
    form = RotationForm(request.POST or None, instance=rotation, editing=True)
    if request.method == "POST":
        saved = submit_form(form, services.rotation_update, rotation=rotation, actor=request.user)
        if saved is not None:
            return _saved_rotation(request, saved, "Rotation saved.")
    data = request.POST if request.method == "POST" else form.initial
    return render(
        request,
        "projects/rotation_form.html",
        {
            "title": "Edit rotation",
            "form": form,
            "rotation": rotation,
            "project": rotation.project,
            **_availability_context(data, rotation=rotation),
        },
    )


def rotation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first (a page naming the rotation), removes on the confirming post."""
    rotation = get_object_or_404(selectors.rotation_list(), pk=pk)
    permissions.require_plan_rotations(request.user)
    slug = rotation.project.slug
    if request.method != "POST":
        return render(
            request,
            "projects/rotation_confirm_delete.html",
            {"title": "Remove rotation", "rotation": rotation},
        )
    services.rotation_delete(rotation=rotation, actor=request.user)
    messages.success(
        request, "Placeholder removed." if rotation.is_placeholder else "Rotation removed."
    )
    return redirect("projects:project-team", slug=slug)


def rotation_availability(request: HttpRequest) -> HttpResponse:
    """The rotation form's live panel (htmx, and the first render of the form): who is free
    over the rotation's dates, by discipline, and the warnings saving would give, from the
    same selector and service as the save."""
    permissions.require_plan_rotations(request.user)
    return render(request, "projects/_availability.html", _availability_context(request.GET))


def _availability_context(data, *, rotation: Rotation | None = None) -> dict:
    form = AvailabilityForm(data)
    form.is_valid()
    values = form.cleaned_data
    if rotation is None and values.get("rotation"):
        rotation = selectors.rotation_list().filter(pk=values["rotation"]).first()
    project = values.get("project") or (rotation.project if rotation else None)
    start = values.get("start")
    context = {
        "discipline": values.get("discipline", ""),
        "disciplines": Discipline.choices,
        "ceiling": selectors.utilisation_ceiling(),
    }
    if start is None:
        return context
    planned_end = services.default_planned_end(project, start, values.get("planned_end"))
    end = values.get("actual_end") or planned_end
    if end is not None and end < start:
        context["problems"] = ["The end is before the start."]
        return context
    allocation = values.get("allocation")
    proposed = Rotation(
        pk=rotation.pk if rotation else None,
        project=project,
        person=values.get("person"),
        start=start,
        planned_end=planned_end,
        actual_end=values.get("actual_end"),
        allocation=allocation or 0,
    )
    problems = []
    if project is not None:
        try:
            services.check_rotation_project(project)
        except ValidationError as error:
            problems = error.messages
    context.update(
        problems=problems,
        warnings=services.rotation_warnings(proposed),
        availability=selectors.staffing_availability(
            start=start,
            end=end,
            discipline=values.get("discipline", ""),
            exclude=rotation.pk if rotation else None,
        ),
        start=start,
        end=end,
        allocation=allocation,
        person=values.get("person"),
    )
    return context


def staffing(request: HttpRequest) -> HttpResponse:
    """The staffing timeline: people by weeks, bars coloured by project, over-allocation
    highlighted, placeholders as demand, and who rolls off soon. Filter by discipline and
    project; a week count out of range is an error on the filter, the default shows."""
    form = StaffingFilterForm(request.GET)
    back = form.value("back", DEFAULT_WEEKS)
    ahead = form.value("ahead", DEFAULT_WEEKS)
    timeline = selectors.staffing_timeline(
        weeks_back=back,
        weeks_ahead=ahead,
        discipline=form.value("discipline", ""),
        project=form.value("project"),
    )
    return render(
        request,
        "projects/staffing.html",
        {
            "title": "Staffing",
            "timeline": timeline,
            "form": form,
            "back": back,
            "ahead": ahead,
            "over": selectors.utilisation_ceiling(),
        },
    )


# --- takeaways -----------------------------------------------------------------------------


def takeaway_list(request: HttpRequest) -> HttpResponse:
    """The takeaways feed, filterable by project, tag and author."""
    filterset = TakeawayFilter(request.GET or None, queryset=selectors.takeaway_list())
    return render(
        request,
        "projects/takeaway_list.html",
        {
            "title": "Takeaways",
            "filter": filterset,
            "page": _paginate(request, _filtered(filterset), 20),
        },
    )


def _takeaway_url(takeaway: Takeaway) -> str:
    return takeaway.get_absolute_url()


def takeaway_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One takeaway on its own page: where search results and the digest can link to it,
    however far down the feed it has gone."""
    takeaway = get_object_or_404(selectors.takeaway_list(), pk=pk)
    return render(
        request,
        "projects/takeaway_detail.html",
        {"title": takeaway.title, "takeaway": takeaway},
    )


def takeaway_create(request: HttpRequest) -> HttpResponse:
    permissions.require_share_takeaways(request.user)
    initial = {}
    if rotation := selectors.rotation_of_person(request.user, request.GET.get("rotation", "")):
        initial = {"rotation": rotation.pk, "project": rotation.project_id}
    elif project := selectors.project_by_slug(request.GET.get("project", "")):
        initial = {"project": project.pk}
    form = TakeawayForm(request.POST or None, initial=initial, author=request.user)
    if request.method == "POST":
        takeaway = submit_form(form, services.takeaway_create, actor=request.user)
        if takeaway is not None:
            messages.success(request, "Takeaway shared. Thank you!")
            return redirect(_takeaway_url(takeaway))
    return render(
        request, "projects/takeaway_form.html", {"title": "Share a takeaway", "form": form}
    )


def takeaway_edit(request: HttpRequest, pk: int) -> HttpResponse:
    takeaway = get_object_or_404(selectors.takeaway_list(), pk=pk)
    permissions.require_edit_takeaway(request.user, takeaway)
    if request.method == "POST" and request.POST.get("action") == "delete":
        services.takeaway_delete(takeaway=takeaway, actor=request.user)
        messages.success(request, "Takeaway deleted.")
        return redirect("projects:takeaway-list")
    form = TakeawayForm(request.POST or None, instance=takeaway, author=takeaway.author)
    if request.method == "POST":
        saved = submit_form(form, services.takeaway_update, takeaway=takeaway, actor=request.user)
        if saved is not None:
            messages.success(request, "Takeaway saved.")
            return redirect(_takeaway_url(saved))
    return render(
        request,
        "projects/takeaway_form.html",
        {"title": "Edit takeaway", "form": form, "takeaway": takeaway},
    )


# --- portfolio and roadmap -----------------------------------------------------------------


def _portfolio_filter(request: HttpRequest) -> PortfolioFilter:
    return PortfolioFilter(
        request.GET or None, queryset=portfolio.portfolio_list(), request=request
    )


def portfolio_page(request: HttpRequest) -> HttpResponse:
    """Every project with its phase, health, target release (overdue marked), the gates of
    its next phase, team and unfilled demand, latest activity and what other apps count
    open on it; worst health first. Filters shared with ``GET /api/v1/portfolio/``."""
    filterset = _portfolio_filter(request)
    page = _paginate(request, _filtered(filterset))
    page.object_list = portfolio.portfolio_rows(page.object_list)
    return render(
        request,
        "projects/portfolio.html",
        {"title": "Portfolio", "filter": filterset, "page": page, "today": timezone.localdate()},
    )


def roadmap(request: HttpRequest) -> HttpResponse:
    """The portfolio's projects over months: phases from their history, target releases,
    today marked. Same filters as the portfolio; ``back``/``ahead`` months (1 to 24)."""
    filterset = _portfolio_filter(request)
    try:
        back = min(max(int(request.GET.get("back", portfolio.ROADMAP_MONTHS_BACK)), 1), 24)
        ahead = min(max(int(request.GET.get("ahead", portfolio.ROADMAP_MONTHS_AHEAD)), 1), 24)
    except ValueError:
        back, ahead = portfolio.ROADMAP_MONTHS_BACK, portfolio.ROADMAP_MONTHS_AHEAD
    return render(
        request,
        "projects/roadmap.html",
        {
            "title": "Roadmap",
            "filter": filterset,
            "roadmap": portfolio.roadmap(
                _filtered(filterset), months_back=back, months_ahead=ahead
            ),
            "back": back,
            "ahead": ahead,
        },
    )
