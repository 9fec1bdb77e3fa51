"""Every write in the projects app goes through a function here."""

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from .gates import gate_problems
from .models import (
    Discipline,
    Phase,
    PhaseChange,
    Profile,
    Project,
    Role,
    Rotation,
    Takeaway,
    Target,
    TargetKind,
)
from .permissions import require_role, user_has_role
from .transitions import PHASE_TRANSITIONS


def profile_ensure(*, user: User) -> Profile:
    """Give ``user`` a profile if it has none; superusers start as admins."""
    profile, _ = Profile.objects.get_or_create(
        user=user, defaults={"role": Role.ADMIN if user.is_superuser else Role.VIEWER}
    )
    return profile


@transaction.atomic
def person_create(
    *,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    discipline: str = Discipline.DATA_SCIENTIST,
    role: str = Role.MEMBER,
) -> User:
    """Create a person: a user with a profile of the given discipline and role."""
    user = User.objects.create_user(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    Profile.objects.filter(user=user).update(discipline=discipline, role=role)
    user.profile.refresh_from_db()
    return user


def activity_record(
    *,
    actor: User | None,
    verb: str,
    target=None,
    project=None,
    data: dict | None = None,
):
    """Record one event in the activity log: ``actor`` ``verb`` ``target`` (in ``project``).

    The one function every slice calls after a create, change or transition, inside the
    same transaction, so an event exists exactly when the change does. ``data`` is a small
    JSON-safe dict of what changed.
    """
    from django.contrib.contenttypes.models import ContentType

    from .models import Activity

    return Activity.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=getattr(target, "pk", None),
        target_repr=str(target)[:300] if target is not None else "",
        project=project,
        data=data or {},
    )


# --- helpers -----------------------------------------------------------------------------


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _apply_changes(instance, changes: dict[str, Any]) -> dict[str, list]:
    """Set ``changes`` on ``instance``; return ``{field: [old, new]}`` for what really changed."""
    changed: dict[str, list] = {}
    for field, new in changes.items():
        old = getattr(instance, field)
        if old != new:
            changed[field] = [_json_safe(old), _json_safe(new)]
            setattr(instance, field, new)
    return changed


def _full_clean(instance, exclude: list[str] | None = None) -> None:
    """Field, choice and constraint validation, raised as field messages before any write."""
    instance.full_clean(exclude=exclude, validate_unique=True, validate_constraints=True)


def normalise_tags(tags: str | list[str] | None) -> str:
    """``"ML, churn ,ml"`` → ``",churn,ml,"``: lower-case, unique, sorted, comma-wrapped."""
    if tags is None:
        return ""
    items = tags.split(",") if isinstance(tags, str) else tags
    cleaned = sorted({slugify(str(tag).strip()) for tag in items if str(tag).strip()})
    cleaned = [tag for tag in cleaned if tag]
    return f",{','.join(cleaned)}," if cleaned else ""


# --- projects ----------------------------------------------------------------------------

PROJECT_EDITABLE_FIELDS = (
    "name",
    "slug",
    "summary",
    "customer_value",
    "product_manager",
    "target_release",
    "health",
)


# Paths under /projects/ that a project slug must not shadow.
RESERVED_SLUGS = frozenset({"new", "staffing", "takeaways", "rotations"})


def _check_slug(project: Project) -> None:
    if project.slug in RESERVED_SLUGS:
        raise ValidationError({"slug": f"“{project.slug}” is reserved; choose another slug."})


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
    require_role(actor, Role.MANAGER, "create projects")
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
    _full_clean(project)
    project.save()
    if members:
        project.members.set(members)
    activity_record(
        actor=actor, verb="created project", target=project, project=project, data={"name": name}
    )
    return project


@transaction.atomic
def project_update(*, project: Project, actor: User, **changes: Any) -> Project:
    """Change a project's editable fields (never its phase). Managers only."""
    require_role(actor, Role.MANAGER, "edit projects")
    unknown = set(changes) - set(PROJECT_EDITABLE_FIELDS) - {"members"}
    if unknown:
        raise ValidationError({field: "This field cannot be changed here." for field in unknown})
    project = Project.objects.select_for_update().get(pk=project.pk)
    members = changes.pop("members", None)
    if "slug" in changes and not changes["slug"]:
        changes["slug"] = slugify(changes.get("name", project.name))[:200]
    changed = _apply_changes(project, changes)
    _check_slug(project)
    _full_clean(project)
    if changed:
        project.save(update_fields=[*changed, "updated_at"])
    if members is not None:
        before = set(project.members.values_list("pk", flat=True))
        after = {member.pk for member in members}
        if before != after:
            project.members.set(members)
            changed["members"] = [sorted(before), sorted(after)]
    if changed:
        activity_record(
            actor=actor, verb="updated project", target=project, project=project, data=changed
        )
    return project


def _end_active_rotations(*, project: Project, actor: User, on: datetime.date) -> int:
    """End every rotation active on ``on`` that day and ask each person for a takeaway."""
    active = list(
        Rotation.objects.select_for_update(of=("self",))
        .filter(project=project, start__lte=on, actual_end__isnull=True)
        .filter(Q(planned_end__isnull=True) | Q(planned_end__gte=on))
        .select_related("person")
    )
    now = timezone.now()
    for rotation in active:
        rotation.actual_end = on
        if rotation.person_id is not None:
            rotation.takeaway_requested_at = now
        rotation.save(update_fields=["actual_end", "takeaway_requested_at", "updated_at"])
        activity_record(
            actor=actor,
            verb="ended rotation",
            target=rotation,
            project=project,
            data={"actual_end": on.isoformat(), "reason": "project released"},
        )
        if rotation.person_id is not None:
            activity_record(
                actor=actor,
                verb="asked for a takeaway",
                target=rotation,
                project=project,
                data={"person": rotation.person_id},
            )
    return len(active)


@transaction.atomic
def project_change_phase(
    *, project: Project, to: str, actor: User, note: str = "", override_reason: str = ""
) -> Project:
    """Move a project to another phase; the only code that writes ``Project.phase``.

    Enforces: managers only; the move is in ``PHASE_TRANSITIONS``; every registered phase
    gate passes, or a manager gives a non-empty ``override_reason`` (recorded on the
    :class:`PhaseChange`). Records the change and an activity event. Moving to ``released``
    ends every active rotation that day and asks each rotating person for a takeaway.
    """
    require_role(actor, Role.MANAGER, "change a project's phase")
    project = Project.objects.select_for_update().get(pk=project.pk)
    if to not in Phase.values:
        raise ValidationError({"to": f"“{to}” is not a phase."})
    if to not in PHASE_TRANSITIONS.get(project.phase, frozenset()):
        raise ValidationError(
            {"to": f"A project in {project.get_phase_display()} cannot move to {Phase(to).label}."}
        )
    override_reason = (override_reason or "").strip()
    problems = gate_problems(project, to)
    if problems and not override_reason:
        raise ValidationError(
            {
                "to": [
                    *problems,
                    "A manager may override with a reason (override_reason).",
                ]
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
    project.save(update_fields=["phase", "updated_at"])
    data: dict[str, Any] = {"from": from_phase, "to": to}
    if note:
        data["note"] = note[:500]
    if problems:
        data["overridden"] = problems
        data["override_reason"] = override_reason[:500]
    activity_record(actor=actor, verb="changed phase", target=project, project=project, data=data)
    if to == Phase.RELEASED:
        _end_active_rotations(project=project, actor=actor, on=timezone.localdate())
    return project


def gate_needs_a_target(project: Project, to_phase: str) -> list[str]:
    """Leaving research needs at least one target or ideal user scenario."""
    # Pages pass a project annotated by ``selectors.project_list``: no extra query there.
    count = getattr(project, "target_count", None)
    if count if count is not None else project.targets.exists():
        return []
    return ["Add at least one target or ideal user scenario before leaving research."]


# --- targets -----------------------------------------------------------------------------


@transaction.atomic
def target_create(
    *, project: Project, actor: User, text: str, kind: str = TargetKind.TARGET
) -> Target:
    """Append a target or scenario to the project's ordered list. Managers only."""
    require_role(actor, Role.MANAGER, "edit targets")
    project = Project.objects.select_for_update().get(pk=project.pk)
    last = project.targets.aggregate(last=Max("position"))["last"]
    target = Target(project=project, kind=kind, text=(text or "").strip(), position=(last or 0) + 1)
    _full_clean(target)
    target.save()
    activity_record(
        actor=actor,
        verb="added target",
        target=target,
        project=project,
        data={"kind": kind, "text": target.text[:200]},
    )
    return target


@transaction.atomic
def target_update(*, target: Target, actor: User, **changes: Any) -> Target:
    """Change a target's text or kind. Managers only."""
    require_role(actor, Role.MANAGER, "edit targets")
    unknown = set(changes) - {"text", "kind"}
    if unknown:
        raise ValidationError({field: "This field cannot be changed here." for field in unknown})
    target = Target.objects.select_for_update().get(pk=target.pk)
    if "text" in changes:
        changes["text"] = (changes["text"] or "").strip()
    changed = _apply_changes(target, changes)
    _full_clean(target)
    if changed:
        target.save(update_fields=[*changed, "updated_at"])
        activity_record(
            actor=actor,
            verb="updated target",
            target=target,
            project=target.project,
            data={k: [str(v)[:200] for v in pair] for k, pair in changed.items()},
        )
    return target


@transaction.atomic
def target_delete(*, target: Target, actor: User) -> None:
    """Remove a target. Managers only."""
    require_role(actor, Role.MANAGER, "edit targets")
    project = target.project
    activity_record(
        actor=actor,
        verb="removed target",
        target=target,
        project=project,
        data={"text": target.text[:200]},
    )
    target.delete()


@transaction.atomic
def target_move(*, target: Target, actor: User, direction: str) -> Target:
    """Swap a target with its neighbour (``up`` or ``down``) in the project's order."""
    require_role(actor, Role.MANAGER, "reorder targets")
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Use “up” or “down”."})
    siblings = list(
        Target.objects.select_for_update()
        .filter(project_id=target.project_id)
        .order_by("position", "id")
    )
    index = next(i for i, t in enumerate(siblings) if t.pk == target.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, item in enumerate(siblings, start=1):
            if item.position != position:
                Target.objects.filter(pk=item.pk).update(position=position)
        activity_record(
            actor=actor,
            verb="reordered targets",
            target=siblings[other],
            project=target.project,
            data={"direction": direction},
        )
    target.refresh_from_db()
    return target


# --- rotations ---------------------------------------------------------------------------

ROTATION_EDITABLE_FIELDS = ("person", "role", "start", "planned_end", "actual_end", "allocation")


def _check_no_overlap(rotation: Rotation) -> None:
    """Refuse a second rotation of the same person on the same project over the same days.

    The person's row is locked first, so two concurrent writes for one person queue up
    instead of both passing the check (an exclusion constraint would not work on SQLite).
    """
    if rotation.person_id is None:
        return
    User.objects.select_for_update().filter(pk=rotation.person_id).first()
    end = rotation.actual_end or rotation.planned_end
    clashes = (
        Rotation.objects.filter(person_id=rotation.person_id, project_id=rotation.project_id)
        .exclude(pk=rotation.pk)
        .annotate(effective_end=Coalesce("actual_end", "planned_end"))
        .filter(Q(effective_end__isnull=True) | Q(effective_end__gte=rotation.start))
    )
    if end is not None:
        clashes = clashes.filter(start__lte=end)
    clash = clashes.order_by("start").first()
    if clash is not None:
        until = clash.end.isoformat() if clash.end else "open-ended"
        raise ValidationError(
            {
                "start": (
                    "This person already has a rotation on this project from "
                    f"{clash.start.isoformat()} to {until}; rotations may not overlap."
                )
            }
        )


def _check_person(person: User | None) -> None:
    if person is not None and not person.is_active:
        raise ValidationError({"person": "This person is not active."})


@transaction.atomic
def rotation_create(
    *,
    actor: User,
    project: Project,
    role: str,
    start: datetime.date,
    person: User | None = None,
    planned_end: datetime.date | None = None,
    allocation: int = 100,
) -> Rotation:
    """Put a person (or, without one, a placeholder demand) on a project. Managers only.

    Enforces: allocation 1 to 100, end ≥ start, no overlap with the person's other rotations on
    the project. ``planned_end`` defaults to the project's target release (when that is not
    before the start).
    """
    require_role(actor, Role.MANAGER, "plan rotations")
    _check_person(person)
    if planned_end is None and project.target_release and start and project.target_release >= start:
        planned_end = project.target_release
    rotation = Rotation(
        project=project,
        person=person,
        role=(role or "").strip(),
        start=start,
        planned_end=planned_end,
        allocation=allocation,
    )
    _full_clean(rotation)
    _check_no_overlap(rotation)
    rotation.save()
    activity_record(
        actor=actor,
        verb="added placeholder" if person is None else "added rotation",
        target=rotation,
        project=project,
        data={
            "person": person.pk if person else None,
            "role": rotation.role,
            "start": start.isoformat(),
            "planned_end": _json_safe(planned_end),
            "allocation": allocation,
        },
    )
    return rotation


@transaction.atomic
def rotation_update(*, rotation: Rotation, actor: User, **changes: Any) -> Rotation:
    """Change a rotation: dates, role, allocation, or fill a placeholder with a person.

    Managers only; the same rules as :func:`rotation_create`.
    """
    require_role(actor, Role.MANAGER, "change rotations")
    unknown = set(changes) - set(ROTATION_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({field: "This field cannot be changed here." for field in unknown})
    rotation = Rotation.objects.select_for_update().get(pk=rotation.pk)
    was_placeholder = rotation.person_id is None
    if "role" in changes:
        changes["role"] = (changes["role"] or "").strip()
    _check_person(changes.get("person"))
    changed = _apply_changes(rotation, changes)
    _full_clean(rotation)
    _check_no_overlap(rotation)
    if changed:
        rotation.save(update_fields=[*changed, "updated_at"])
        verb = (
            "filled placeholder" if was_placeholder and rotation.person_id else "updated rotation"
        )
        activity_record(
            actor=actor, verb=verb, target=rotation, project=rotation.project, data=changed
        )
    return rotation


@transaction.atomic
def rotation_delete(*, rotation: Rotation, actor: User) -> None:
    """Remove a rotation or placeholder. Managers only."""
    require_role(actor, Role.MANAGER, "remove rotations")
    activity_record(
        actor=actor,
        verb="removed rotation",
        target=rotation,
        project=rotation.project,
        data={"person": rotation.person_id, "role": rotation.role},
    )
    rotation.delete()


# --- takeaways ---------------------------------------------------------------------------


def _check_takeaway_owner(takeaway: Takeaway, actor: User) -> None:
    if takeaway.author_id != actor.pk and not user_has_role(actor, Role.ADMIN):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("You can only change your own takeaways.")


def _check_rotation_fits(
    *, rotation: Rotation | None, project: Project | None, author: User
) -> None:
    if rotation is None:
        return
    if rotation.person_id != author.pk:
        raise ValidationError({"rotation": "Pick one of your own rotations."})
    if project is not None and rotation.project_id != project.pk:
        raise ValidationError({"rotation": "That rotation is on another project."})


@transaction.atomic
def takeaway_create(
    *,
    actor: User,
    title: str,
    text: str,
    tags: str | list[str] | None = "",
    project: Project | None = None,
    rotation: Rotation | None = None,
) -> Takeaway:
    """Share what you learned. Members and up; the author is always the actor, and a linked
    rotation must be the author's own (its project becomes the takeaway's project)."""
    require_role(actor, Role.MEMBER, "share takeaways")
    _check_rotation_fits(rotation=rotation, project=project, author=actor)
    if rotation is not None and project is None:
        project = rotation.project
    takeaway = Takeaway(
        author=actor,
        title=(title or "").strip(),
        text=text or "",
        tags=normalise_tags(tags),
        project=project,
        rotation=rotation,
    )
    _full_clean(takeaway)
    takeaway.save()
    activity_record(
        actor=actor,
        verb="shared takeaway",
        target=takeaway,
        project=project,
        data={"title": takeaway.title[:200], "tags": takeaway.tag_list},
    )
    return takeaway


@transaction.atomic
def takeaway_update(*, takeaway: Takeaway, actor: User, **changes: Any) -> Takeaway:
    """Edit a takeaway: its author (a member or up) or an admin."""
    require_role(actor, Role.MEMBER, "edit takeaways")
    unknown = set(changes) - {"title", "text", "tags", "project", "rotation"}
    if unknown:
        raise ValidationError({field: "This field cannot be changed here." for field in unknown})
    takeaway = Takeaway.objects.select_for_update().get(pk=takeaway.pk)
    _check_takeaway_owner(takeaway, actor)
    if "tags" in changes:
        changes["tags"] = normalise_tags(changes["tags"])
    if "rotation" in changes or "project" in changes:
        _check_rotation_fits(
            rotation=changes.get("rotation", takeaway.rotation),
            project=changes.get("project", takeaway.project),
            author=takeaway.author,
        )
    changed = _apply_changes(takeaway, changes)
    _full_clean(takeaway)
    if changed:
        takeaway.save(update_fields=[*changed, "updated_at"])
        activity_record(
            actor=actor,
            verb="updated takeaway",
            target=takeaway,
            project=takeaway.project,
            data={"fields": sorted(changed)},
        )
    return takeaway


@transaction.atomic
def takeaway_delete(*, takeaway: Takeaway, actor: User) -> None:
    """Delete a takeaway: its author or an admin."""
    require_role(actor, Role.MEMBER, "delete takeaways")
    _check_takeaway_owner(takeaway, actor)
    activity_record(
        actor=actor,
        verb="deleted takeaway",
        target=takeaway,
        project=takeaway.project,
        data={"title": takeaway.title[:200]},
    )
    takeaway.delete()
