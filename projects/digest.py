"""The projects slice's sections of the weekly digest, and its part of "a person's projects".

Each builder takes a ``core.registries.DigestContext`` and costs one query whatever the
amount of activity; items are ``{"text", "url", "detail"}`` for the generic item templates.
"""

import datetime

from django.db.models import Q
from django.urls import reverse

from accounts.models import person_label
from core.registries import DigestContext

from .models import Phase, PhaseChange, Project, Rotation
from .selectors import rotation_list, takeaway_list, takeaways_requested_of

ROTATION_HORIZON_DAYS = 14


def digest_projects(person, start: datetime.datetime, end: datetime.datetime) -> set[int]:
    """Projects with a rotation of the person during the week, that they manage, or that
    they are a member of."""
    return set(
        Project.objects.filter(
            Q(
                pk__in=Rotation.objects.filter(person=person, start__lt=end.date())
                .filter(
                    Q(actual_end__isnull=True, planned_end__isnull=True)
                    | Q(actual_end__gte=start.date())
                    | Q(actual_end__isnull=True, planned_end__gte=start.date())
                )
                .values("project")
            )
            | Q(product_manager=person)
            | Q(members=person)
        )
        .exclude(phase=Phase.ARCHIVED)
        .values_list("pk", flat=True)
    )


def takeaways_of_the_week(ctx: DigestContext) -> list[dict]:
    """Everyone's takeaways shared this week: the data team's reconvene. The same for every
    person with the same week, so one query per batch."""
    key = ("projects.takeaways", ctx.start, ctx.end)
    if key not in ctx.shared:
        ctx.shared[key] = [
            {
                "text": takeaway.title,
                "url": ctx.link(reverse("projects:takeaway-detail", kwargs={"pk": takeaway.pk})),
                "detail": f"{person_label(takeaway.author)}"
                + (f" on {takeaway.project.name}" if takeaway.project else ""),
            }
            for takeaway in takeaway_list()
            .filter(created_at__gte=ctx.start, created_at__lt=ctx.end)
            .order_by("created_at", "id")
        ]
    return ctx.shared[key]


def phase_changes(ctx: DigestContext) -> list[dict]:
    """Phase changes of the person's projects this week; overridden gates say so."""
    changes = (
        PhaseChange.objects.filter(
            project_id__in=ctx.project_ids, created_at__gte=ctx.start, created_at__lt=ctx.end
        )
        .select_related("project", "actor")
        .order_by("created_at", "id")
    )
    return [
        {
            "text": f"{change.project.name}: {Phase(change.from_phase).label} → "
            f"{Phase(change.to_phase).label}",
            "url": ctx.link(change.project.get_absolute_url()),
            "detail": (f"by {person_label(change.actor)}" if change.actor else "")
            + (f"; gate overridden: {change.override_reason}" if change.override_reason else ""),
        }
        for change in changes
    ]


def rotations_ahead(ctx: DigestContext) -> list[dict]:
    """Rotations starting or ending in the next 14 days on the person's projects (and the
    person's own anywhere), their own first."""
    horizon = ctx.today + datetime.timedelta(days=ROTATION_HORIZON_DAYS)
    rows = (
        rotation_list()
        .filter(Q(project_id__in=ctx.project_ids) | Q(person=ctx.person))
        .filter(
            Q(start__gt=ctx.today, start__lte=horizon)
            | Q(effective_end__gte=ctx.today, effective_end__lte=horizon)
        )
        .exclude(project__phase=Phase.ARCHIVED)
    )
    items = []
    for rotation in rows:
        starting = ctx.today < rotation.start <= horizon
        when = rotation.start if starting else rotation.effective_end
        who = "You" if rotation.person_id == ctx.person.pk else person_label(rotation.person)
        items.append(
            {
                "own": rotation.person_id == ctx.person.pk,
                "when": when,
                "text": f"{who} {'start' if starting else 'end'}"
                f"{'' if who == 'You' else 's'} as {rotation.role} on {rotation.project.name}",
                "url": ctx.link(reverse("projects:project-team", args=[rotation.project.slug])),
                "detail": f"{when:%a} {when.day} {when:%b}",
            }
        )
    return sorted(items, key=lambda item: (not item["own"], item["when"]))


def takeaways_asked(ctx: DigestContext) -> list[dict]:
    """Takeaways the person was asked for at a rotation's end and has not shared yet."""
    return [
        {
            "text": f"What did you learn on {rotation.project.name}?",
            "url": ctx.link(reverse("projects:takeaway-create") + f"?rotation={rotation.pk}"),
            "detail": f"your rotation as {rotation.role} ended",
        }
        for rotation in takeaways_requested_of(ctx.person)
    ]
