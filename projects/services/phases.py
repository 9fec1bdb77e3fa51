"""Projects and their phases: create, edit, and the one function that moves a phase."""

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from activity.models import EventType
from activity.services import activity_record
from core.durable import durable_create
from core.exceptions import Conflict
from core.registries import gate_problems
from core.services import apply_changes, check_date_range, full_clean, refuse_unknown_fields

from ..models import (
    Health,
    Phase,
    PhaseChange,
    Project,
    Rotation,
    TakeawayRequest,
    Target,
)
from ..permissions import require_change_phase, require_manage_projects
from ..transitions import PHASE_TRANSITIONS

PROJECT_EDITABLE_FIELDS = (
    "name",
    "slug",
    "summary",
    "customer_value",
    "product_manager",
    "target_release",
    "health",
    "members",
)


# Paths under /projects/ that a project slug must not shadow.
RESERVED_SLUGS = frozenset({"new", "staffing", "takeaways", "rotations", "portfolio"})


def _check_slug(project: Project) -> None:
    if project.slug in RESERVED_SLUGS:
        raise ValidationError({"slug": f"“{project.slug}” is reserved; choose another slug."})


def _save_checked(project: Project, **save_kwargs: Any) -> None:
    """Save ``project``; a slug taken by a concurrent write since ``full_clean`` checked it
    is a field error, not a 500 (the savepoint keeps the caller's transaction usable)."""
    try:
        with transaction.atomic():
            project.save(**save_kwargs)
    except IntegrityError:
        if Project.objects.filter(slug=project.slug).exclude(pk=project.pk).exists():
            raise ValidationError(
                {"slug": "Project with this Slug already exists."}, code="unique"
            ) from None
        raise


@transaction.atomic
def project_create(
    *,
    actor: User,
    name: str,
    slug: str = "",
    summary: str = "",
    customer_value: str = "",
    product_manager: User | None = None,
    target_release: datetime.date | None = None,
    health: str = "on_track",
    members: list[User] | None = None,
) -> Project:
    """Create a project in research. Managers only; the slug is derived from the name if blank
    and must be unique."""
    require_manage_projects(actor)
    project = Project(
        name=name,
        slug=slug or slugify(name)[:200],
        summary=summary,
        customer_value=customer_value,
        product_manager=product_manager,
        target_release=target_release,
        health=health,
        phase=Phase.RESEARCH,
    )
    _check_slug(project)
    check_date_range(project, ("target_release",))
    full_clean(project)
    _save_checked(project)
    if members:
        project.members.set(members)
    activity_record(
        actor=actor,
        event=EventType.PROJECT_CREATED,
        target=project,
        project=project,
        data={"name": name},
    )
    return project


@transaction.atomic
def project_update(*, project: Project, actor: User, **changes: Any) -> Project:
    """Change a project's editable fields (never its phase). Managers only."""
    require_manage_projects(actor)
    refuse_unknown_fields(changes, PROJECT_EDITABLE_FIELDS)
    project = Project.objects.select_for_update().get(pk=project.pk)
    members = changes.pop("members", None)
    if "slug" in changes and not changes["slug"]:
        changes["slug"] = slugify(changes.get("name", project.name))[:200]
    changed = apply_changes(project, changes)
    _check_slug(project)
    check_date_range(project, ("target_release",))
    full_clean(project)
    if changed:
        _save_checked(project, update_fields=[*changed, "updated_at"])
    if members is not None:
        before = set(project.members.values_list("pk", flat=True))
        after = {member.pk for member in members}
        if before != after:
            project.members.set(members)
            changed["members"] = [sorted(before), sorted(after)]
    if changed:
        activity_record(
            actor=actor,
            event=EventType.PROJECT_UPDATED,
            target=project,
            project=project,
            data=changed,
        )
    return project


def _end_active_rotations(*, project: Project, actor: User, on: datetime.date) -> int:
    """End every rotation active on ``on`` that day and ask each person for a takeaway.

    The request is a :class:`TakeawayRequest` row written in the release's transaction
    (durable work): its email is prompted once the release commits and, if that prompt is
    lost, sent by the sweep; never for a rolled-back release, never twice.
    """
    active = list(
        Rotation.objects.select_for_update(of=("self",))
        .filter(project=project, start__lte=on, actual_end__isnull=True)
        .filter(Q(planned_end__isnull=True) | Q(planned_end__gte=on))
        .select_related("person")
    )
    now = timezone.now()
    requests = []
    for rotation in active:
        rotation.actual_end = on
        if rotation.person_id is not None:
            rotation.takeaway_requested_at = now
            requests.append(TakeawayRequest(rotation=rotation))
        rotation.save(update_fields=["actual_end", "takeaway_requested_at", "updated_at"])
        activity_record(
            actor=actor,
            event=EventType.ROTATION_ENDED,
            target=rotation,
            project=project,
            data={"actual_end": on.isoformat(), "reason": "project released"},
        )
        if rotation.person_id is not None:
            activity_record(
                actor=actor,
                event=EventType.TAKEAWAY_REQUESTED,
                target=rotation,
                project=project,
                data={"person": rotation.person_id},
            )
    durable_create(requests)
    return len(active)


@transaction.atomic
def project_change_phase(
    *,
    project: Project,
    to: str,
    actor: User,
    note: str = "",
    override_reason: str = "",
    expected_phase: str = "",
    future_placeholders: str = "",
    health: str = "",
) -> Project:
    """Move a project to another phase; the only code that writes ``Project.phase``.

    Enforces: managers only; the move is in ``PHASE_TRANSITIONS``; every registered phase
    gate passes, or a manager gives a non-empty ``override_reason`` (recorded on the
    :class:`PhaseChange`). With ``expected_phase`` (the phase the caller saw), a project
    that moved meanwhile raises :class:`core.exceptions.Conflict` (a lost race, 409).
    Records the change and an activity event. Moving to ``released``
    ends every active rotation that day and asks each rotating person for a takeaway; a
    project with placeholders that start later must say what becomes of them
    (``future_placeholders``: ``cancel`` removes them, ``keep`` leaves them as demand for a
    next phase). ``health``, when given, is set with the move (the release page suggests one:
    ``portfolio.release_health_suggestion``).
    """
    require_change_phase(actor)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if expected_phase and expected_phase != project.phase:
        raise Conflict(
            f"{project.name} moved to {project.get_phase_display()} meanwhile; "
            "reload and decide again."
        )
    if to not in Phase.values:
        raise ValidationError({"to": f"“{to}” is not a phase."})
    if to not in PHASE_TRANSITIONS.get(project.phase, frozenset()):
        raise ValidationError(
            {"to": f"A project in {project.get_phase_display()} cannot move to {Phase(to).label}."}
        )
    if health and health not in Health.values:
        raise ValidationError({"health": f"“{health}” is not a health."})
    future = []
    if to == Phase.RELEASED:
        future = _future_placeholders(project, future_placeholders, on=timezone.localdate())
    override_reason = (override_reason or "").strip()
    problems = gate_problems(project, to)
    if problems and not override_reason:
        # The hint sits on the override field itself, so it reads right under the form's
        # "Override reason" box and under the API's ``override_reason`` key alike.
        raise ValidationError(
            {
                "to": problems,
                "override_reason": "To move anyway, give the reason for overriding the gate; "
                "it is recorded with the change.",
            }
        )
    from_phase = project.phase
    PhaseChange.objects.create(
        project=project,
        from_phase=from_phase,
        to_phase=to,
        actor=actor,
        note=note,
        override_reason=override_reason if problems else "",
    )
    project.phase = to
    data: dict[str, Any] = {"from": from_phase, "to": to}
    if health and health != project.health:
        data["health"] = [project.health, health]
        project.health = health
    project.save(update_fields=["phase", "health", "updated_at"])
    if note:
        data["note"] = note[:500]
    if problems:
        data["overridden"] = problems
        data["override_reason"] = override_reason[:500]
    activity_record(
        actor=actor,
        event=EventType.PROJECT_PHASE_CHANGED,
        target=project,
        project=project,
        data=data,
    )
    if to == Phase.RELEASED:
        _end_active_rotations(project=project, actor=actor, on=timezone.localdate())
        if future_placeholders == PLACEHOLDERS_CANCEL:
            for rotation in future:
                activity_record(
                    actor=actor,
                    event=EventType.ROTATION_DELETED,
                    target=rotation,
                    project=project,
                    data={"person": None, "role": rotation.role, "reason": "project released"},
                )
                rotation.delete()
    return project


# What a release does with the placeholders that start after it.
PLACEHOLDERS_CANCEL = "cancel"
PLACEHOLDERS_KEEP = "keep"
FUTURE_PLACEHOLDER_CHOICES = (
    (PLACEHOLDERS_CANCEL, "Cancel them"),
    (PLACEHOLDERS_KEEP, "Keep them as demand for a next phase"),
)


def _future_placeholders(project: Project, choice: str, *, on: datetime.date) -> list[Rotation]:
    """The project's placeholders starting after ``on`` (locked); a release of a project
    that has some must say what becomes of them."""
    future = list(
        Rotation.objects.select_for_update()
        .filter(project=project, person__isnull=True, start__gt=on)
        .order_by("start", "id")
    )
    if future and choice not in (PLACEHOLDERS_CANCEL, PLACEHOLDERS_KEEP):
        count = len(future)
        noun = "placeholder starts" if count == 1 else "placeholders start"
        raise ValidationError(
            {
                "future_placeholders": f"{count} {noun} after the release: cancel "
                f"{'it' if count == 1 else 'them'}, or keep {'it' if count == 1 else 'them'} "
                "as demand for a next phase."
            }
        )
    return future


def gate_needs_a_target(project: Project, to_phase: str) -> list[str]:
    """Leaving research needs at least one target or ideal user scenario (archiving is never
    gated: see ``gates.gate_problems``)."""
    # Pages pass a project annotated by ``selectors.project_list``: no extra query there.
    count = getattr(project, "target_count", None)
    if count if count is not None else project.targets.exists():
        return []
    return ["Add at least one target or ideal user scenario before leaving research."]


def gate_needs_a_target_many(projects: list, to_phase: str) -> dict[int, list[str]]:
    """:func:`gate_needs_a_target` for a list of projects: none when they carry
    ``target_count`` (the portfolio's rows do), else one query."""
    if all(getattr(p, "target_count", None) is not None for p in projects):
        with_targets = {p.pk for p in projects if p.target_count}
    else:
        with_targets = set(
            Target.objects.filter(project__in=[p.pk for p in projects]).values_list(
                "project", flat=True
            )
        )
    return {p.pk: gate_needs_a_target(p, to_phase) for p in projects if p.pk not in with_targets}
