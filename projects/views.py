"""HTML views of the projects app: parse input, call a selector or a service, render.

Manager-only pages check the role before showing a form, and the services check it again
on every write; ``PermissionDenied`` becomes Django's 403 page.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import Discipline, Role
from accounts.permissions import require_role, user_has_role
from activity.selectors import project_activity
from core.exceptions import Conflict
from core.forms import apply_service_errors
from core.registries import dashboard_panels, gate_problems, project_tabs

from . import selectors, services
from .filters import ProjectFilter, TakeawayFilter
from .forms import PhaseChangeForm, ProjectForm, RotationForm, TakeawayForm, TargetForm
from .models import Phase, Project, Rotation, Takeaway, Target
from .transitions import allowed_phases


def _paginate(request: HttpRequest, queryset, per_page: int = 50):
    from django.core.paginator import Paginator

    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


# --- dashboard ---------------------------------------------------------------------------


def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in person's home: their projects and rotations, who rolls off soon, the
    demand still to staff and the takeaways they were asked for. Later slices add panels."""
    user = request.user
    today = timezone.localdate()
    my_projects = (
        ProjectFilter({"person": user.pk}, queryset=selectors.project_list())
        .qs.exclude(phase=Phase.ARCHIVED)
        .order_by("name")
    )
    my_rotations = (
        selectors.rotation_list()
        .filter(person=user)
        .exclude(effective_end__lt=today)
        .order_by("start")
    )
    context = {
        "title": "Dashboard",
        "my_projects": my_projects,
        "my_rotations": my_rotations,
        "rolling_off": selectors.rotations_rolling_off(today=today)[:20],
        "unfilled": selectors.rotations_unfilled(today=today)[:20],
        "takeaways_due": selectors.takeaways_requested_of(user),
        "today": today,
        "slice_panels": dashboard_panels(user),
    }
    return render(request, "projects/dashboard.html", context)


# --- projects ------------------------------------------------------------------------------


def project_list(request: HttpRequest) -> HttpResponse:
    """Projects filtered by phase, health, person and name."""
    filterset = ProjectFilter(request.GET or None, queryset=selectors.project_list())
    projects = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    if filterset.is_bound and not filterset.is_valid():
        projects = filterset.queryset.none()
    return render(
        request,
        "projects/project_list.html",
        {"title": "Projects", "filter": filterset, "page": _paginate(request, projects)},
    )


def project_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.MANAGER, "create projects")
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Created {project.name}. Add its targets next.")
            return redirect(project)
    return render(request, "projects/project_form.html", {"title": "New project", "form": form})


def project_edit(request: HttpRequest, slug: str) -> HttpResponse:
    require_role(request.user, Role.MANAGER, "edit projects")
    project = get_object_or_404(Project, slug=slug)
    form = ProjectForm(request.POST or None, initial=ProjectForm.initial_for(project))
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_update(
                project=project, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Project saved.")
            return redirect(project)
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
    return get_object_or_404(selectors.project_list(), slug=slug)


def project_detail(
    request: HttpRequest, slug: str, phase_form: PhaseChangeForm | None = None
) -> HttpResponse:
    """Overview: what the project is for, its targets and scenarios, and its phase."""
    project = _project_or_404(slug)
    can_manage = user_has_role(request.user, Role.MANAGER)
    targets = list(selectors.project_targets(project))
    context = {
        "targets": targets,
        "phase_changes": selectors.project_phase_changes(project)[:5],
        "can_manage": can_manage,
        "new_target_form": TargetForm(auto_id="id_new_target_%s"),
    }
    if can_manage:
        context["phase_form"] = phase_form or PhaseChangeForm(project=project)
        context["gate_problems"] = {
            phase: gate_problems(project, phase) for phase in allowed_phases(project.phase)
        }
        context["target_forms"] = {
            target.pk: TargetForm(
                initial=TargetForm.initial_for(target), auto_id=f"t{target.pk}_%s"
            )
            for target in targets
        }
    return _project_page(request, project, "overview", "projects/project_detail.html", **context)


@require_POST
def project_phase(request: HttpRequest, slug: str) -> HttpResponse:
    """The phase buttons: validate through the one phase service, errors back on the form."""
    require_role(request.user, Role.MANAGER, "change a project's phase")
    project = get_object_or_404(Project, slug=slug)
    form = PhaseChangeForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.project_change_phase(project=project, actor=request.user, **form.cleaned_data)
        except Conflict as conflict:
            messages.error(request, str(conflict))
            return redirect(project)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            project.refresh_from_db()
            messages.success(request, f"{project.name} is now in {project.get_phase_display()}.")
            return redirect(project)
    response = project_detail(request, slug, phase_form=form)
    response.status_code = 400
    return response


def project_team(request: HttpRequest, slug: str) -> HttpResponse:
    """Team and rotations: current, planned, placeholders and past."""
    project = _project_or_404(slug)
    today = timezone.localdate()
    rotations = list(selectors.rotation_list().filter(project=project))
    groups = {"current": [], "planned": [], "past": []}
    for rotation in rotations:
        if rotation.start > today:
            groups["planned"].append(rotation)
        elif rotation.effective_end is not None and rotation.effective_end < today:
            groups["past"].append(rotation)
        else:
            groups["current"].append(rotation)
    return _project_page(
        request,
        project,
        "team",
        "projects/project_team.html",
        team=selectors.project_team(project),
        groups=groups,
        today=today,
        soon=today + datetime.timedelta(days=selectors.ROLLING_OFF_DAYS),
        can_manage=user_has_role(request.user, Role.MANAGER),
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
    events = project_activity(project)
    return _project_page(
        request,
        project,
        "timeline",
        "projects/project_timeline.html",
        page=_paginate(request, events, 50),
    )


# --- targets -------------------------------------------------------------------------------


@require_POST
def target_add(request: HttpRequest, slug: str) -> HttpResponse:
    require_role(request.user, Role.MANAGER, "edit targets")
    project = get_object_or_404(Project, slug=slug)
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            services.target_create(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
    if form.errors:
        for field, errors in form.errors.items():
            messages.error(request, f"Target not added: {field}: {' '.join(errors)}")
    return redirect(reverse("projects:project-detail", kwargs={"slug": slug}) + "#targets")


@require_POST
def target_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Inline edit, move up/down or delete one target (the button pressed says which)."""
    require_role(request.user, Role.MANAGER, "edit targets")
    target = get_object_or_404(Target, pk=pk, project__slug=slug)
    action = request.POST.get("action", "save")
    try:
        if action == "delete":
            services.target_delete(target=target, actor=request.user)
        elif action in ("up", "down"):
            services.target_move(target=target, actor=request.user, direction=action)
        else:
            form = TargetForm(request.POST)
            if form.is_valid():
                services.target_update(target=target, actor=request.user, **form.cleaned_data)
            else:
                for field, errors in form.errors.items():
                    messages.error(request, f"Target not saved: {field}: {' '.join(errors)}")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(reverse("projects:project-detail", kwargs={"slug": slug}) + "#targets")


# --- rotations -----------------------------------------------------------------------------


def _warn(request, rotation: Rotation) -> None:
    for warning in selectors.rotation_warnings(rotation):
        messages.warning(request, warning)


def rotation_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.MANAGER, "plan rotations")
    initial = {}
    project = None
    if slug := request.GET.get("project"):
        project = Project.objects.filter(slug=slug).first()
        initial["project"] = project.pk if project else None
    form = RotationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rotation = services.rotation_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Added {rotation}.")
            _warn(request, rotation)
            return redirect("projects:project-team", slug=rotation.project.slug)
    return render(
        request,
        "projects/rotation_form.html",
        {"title": "New rotation", "form": form, "project": project},
    )


def rotation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, Role.MANAGER, "change rotations")
    rotation = get_object_or_404(Rotation.objects.select_related("project", "person"), pk=pk)
    form = RotationForm(
        request.POST or None, initial=RotationForm.initial_for(rotation), editing=True
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "project"}
        try:
            rotation = services.rotation_update(rotation=rotation, actor=request.user, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Rotation saved.")
            _warn(request, rotation)
            return redirect("projects:project-team", slug=rotation.project.slug)
    return render(
        request,
        "projects/rotation_form.html",
        {"title": "Edit rotation", "form": form, "rotation": rotation, "project": rotation.project},
    )


@require_POST
def rotation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, Role.MANAGER, "remove rotations")
    rotation = get_object_or_404(Rotation.objects.select_related("project"), pk=pk)
    slug = rotation.project.slug
    services.rotation_delete(rotation=rotation, actor=request.user)
    messages.success(request, "Rotation removed.")
    return redirect("projects:project-team", slug=slug)


def staffing(request: HttpRequest) -> HttpResponse:
    """The staffing timeline: people by weeks, bars coloured by project, over-allocation
    highlighted, placeholders as demand, and who rolls off soon. Filter by discipline."""
    discipline = request.GET.get("discipline", "")
    if discipline not in Discipline.values:
        discipline = ""
    try:
        back = min(max(int(request.GET.get("back", 12)), 0), 52)
        ahead = min(max(int(request.GET.get("ahead", 12)), 0), 52)
    except ValueError:
        back, ahead = 12, 12
    timeline = selectors.staffing_timeline(
        weeks_back=back, weeks_ahead=ahead, discipline=discipline
    )
    return render(
        request,
        "projects/staffing.html",
        {
            "title": "Staffing",
            "timeline": timeline,
            "disciplines": Discipline.choices,
            "discipline": discipline,
            "back": back,
            "ahead": ahead,
            "over": selectors.OVER_ALLOCATED,
        },
    )


# --- takeaways -----------------------------------------------------------------------------


def takeaway_list(request: HttpRequest) -> HttpResponse:
    """The takeaways feed, filterable by project, tag and author."""
    filterset = TakeawayFilter(request.GET or None, queryset=selectors.takeaway_list())
    if filterset.is_bound and not filterset.is_valid():
        takeaways = filterset.queryset.none()
    else:
        takeaways = filterset.qs
    return render(
        request,
        "projects/takeaway_list.html",
        {"title": "Takeaways", "filter": filterset, "page": _paginate(request, takeaways, 20)},
    )


def takeaway_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.MEMBER, "share takeaways")
    initial = {}
    if (rotation_id := request.GET.get("rotation", "")).isdigit():
        rotation = Rotation.objects.filter(pk=rotation_id, person=request.user).first()
        if rotation:
            initial = {"rotation": rotation.pk, "project": rotation.project_id}
    elif slug := request.GET.get("project"):
        initial = {
            "project": Project.objects.filter(slug=slug).values_list("pk", flat=True).first()
        }
    form = TakeawayForm(request.POST or None, initial=initial, author=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            takeaway = services.takeaway_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Takeaway shared. Thank you!")
            return redirect(reverse("projects:takeaway-list") + f"#takeaway-{takeaway.pk}")
    return render(
        request, "projects/takeaway_form.html", {"title": "Share a takeaway", "form": form}
    )


def takeaway_edit(request: HttpRequest, pk: int) -> HttpResponse:
    takeaway = get_object_or_404(Takeaway, pk=pk)
    require_role(request.user, Role.MEMBER, "edit takeaways")
    if takeaway.author_id != request.user.pk and not user_has_role(request.user, Role.ADMIN):
        raise PermissionDenied("You can only change your own takeaways.")
    form = TakeawayForm(
        request.POST or None, initial=TakeawayForm.initial_for(takeaway), author=takeaway.author
    )
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            services.takeaway_delete(takeaway=takeaway, actor=request.user)
            messages.success(request, "Takeaway deleted.")
            return redirect("projects:takeaway-list")
        if form.is_valid():
            try:
                services.takeaway_update(takeaway=takeaway, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Takeaway saved.")
                return redirect(reverse("projects:takeaway-list") + f"#takeaway-{takeaway.pk}")
    return render(
        request,
        "projects/takeaway_form.html",
        {"title": "Edit takeaway", "form": form, "takeaway": takeaway},
    )
