"""Rotations: add, edit and remove one, the form's live availability panel, and the
staffing timeline."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import Discipline
from core.forms import submit_form

from .. import permissions, selectors, services
from ..forms import DEFAULT_WEEKS, AvailabilityForm, RotationForm, StaffingFilterForm
from ..models import Rotation


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
