"""The flags slice's section of the weekly digest: on the person's projects, the flags raised
this week, the ones overdue now, and the ones escalated this week. One query."""

from django.db.models import Exists, OuterRef, Q

from core.registries import DigestContext

from .models import FlagEscalation, FlagStatus
from .selectors import flag_list, overdue_q


def flag_news(ctx: DigestContext) -> dict:
    escalated = FlagEscalation.objects.filter(
        flag=OuterRef("pk"), created_at__gte=ctx.start, created_at__lt=ctx.end
    )
    rows = list(
        flag_list(ctx.end)
        .filter(project_id__in=ctx.project_ids)
        .annotate(escalated=Exists(escalated))
        .filter(
            Q(created_at__gte=ctx.start, created_at__lt=ctx.end)
            | overdue_q(ctx.end)
            | Q(escalated=True)
        )
        .order_by("-severity_order", "created_at", "id")
    )

    def item(flag) -> dict:
        return {
            "text": f"[{flag.get_severity_display()}] {flag.title}",
            "url": ctx.link(flag.get_absolute_url()),
            "detail": f"{flag.project.name}, {flag.get_status_display().lower()}",
        }

    groups = [
        ("New this week", [f for f in rows if ctx.start <= f.created_at < ctx.end]),
        ("Overdue: not yet acknowledged", [f for f in rows if f.overdue]),
        ("Escalated this week", [f for f in rows if f.escalated and f.status == FlagStatus.OPEN]),
    ]
    groups = [
        {"title": title, "items": [item(f) for f in flags]} for title, flags in groups if flags
    ]
    new = len(groups[0]["items"]) if groups and groups[0]["title"] == "New this week" else 0
    return {"groups": groups, "count": new} if groups else {}
