"""The data-gaps slice's sections of the weekly digest: on the person's projects the requests
opened, delivered and gone stale this week; and a data engineer's queue. One query each."""

from django.db.models import Q

from accounts.models import Discipline
from core.registries import DigestContext

from .models import ACTIVE_STATUSES, Status
from .permissions import can_triage
from .selectors import datagap_list, overdue_q


def _item(ctx: DigestContext, gap, detail: str = "") -> dict:
    return {
        "text": gap.title,
        "url": ctx.link(gap.get_absolute_url()),
        "detail": ", ".join(
            part for part in (gap.project.name, gap.get_urgency_display().lower(), detail) if part
        ),
    }


def gap_news(ctx: DigestContext) -> dict:
    """Opened or delivered this week, or stale (overdue now), on the person's projects."""
    today = ctx.today
    rows = list(
        datagap_list(today)
        .filter(project_id__in=ctx.project_ids)
        .filter(
            Q(created_at__gte=ctx.start, created_at__lt=ctx.end)
            | Q(delivered_at__gte=ctx.start, delivered_at__lt=ctx.end)
            | overdue_q(today)
        )
        .order_by("created_at", "id")
    )
    opened = [g for g in rows if ctx.start <= g.created_at < ctx.end]
    delivered = [
        g
        for g in rows
        if g.delivered_at and ctx.start <= g.delivered_at < ctx.end and g.status == Status.DELIVERED
    ]
    stale = [g for g in rows if g.overdue]
    groups = [
        {"title": title, "items": [_item(ctx, g, extra(g)) for g in gaps]}
        for title, gaps, extra in (
            ("Opened this week", opened, lambda g: ""),
            ("Delivered this week", delivered, lambda g: g.delivered_dataset),
            ("Stale: overdue", stale, lambda g: g.get_status_display().lower()),
        )
        if gaps
    ]
    return {"groups": groups, "count": len(delivered)} if groups else {}


def engineer_queue(ctx: DigestContext) -> dict:
    """A data engineer's queue: assigned to them, untriaged, overdue (all projects). For
    people of the data-engineer discipline who may triage (managers triage too, but get
    the queue on their dashboard, not by mail)."""
    profile = getattr(ctx.person, "profile", None)
    if (
        profile is None
        or profile.discipline != Discipline.DATA_ENGINEER
        or not can_triage(ctx.person)
    ):
        return {}
    today = ctx.today
    rows = list(
        datagap_list(today)
        .filter(status__in=ACTIVE_STATUSES)
        .filter(Q(assignee=ctx.person) | Q(status=Status.OPEN) | overdue_q(today))
        .order_by("-urgency_rank", "created_at", "id")[:60]
    )
    groups = [
        {"title": title, "items": [_item(ctx, g) for g in gaps][:20]}
        for title, gaps in (
            ("Assigned to you", [g for g in rows if g.assignee_id == ctx.person.pk]),
            ("Untriaged", [g for g in rows if g.status == Status.OPEN]),
            ("Overdue", [g for g in rows if g.overdue]),
        )
        if gaps
    ]
    return {"groups": groups, "count": 0} if groups else {}
