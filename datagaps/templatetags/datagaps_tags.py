"""Template helpers of the data-gaps app: durations as people read them."""

import datetime

from django import template
from django.utils import timezone

from datagaps.models import Status, Urgency

register = template.Library()


@register.filter
def duration(delta: datetime.timedelta | None) -> str:
    """``3 d 4 h``, ``5 h``, ``12 min``; a dash for none."""
    if delta is None:
        return "—"
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h"
    return f"{minutes} min"


@register.simple_tag
def time_in_triage(gap) -> str:
    """How long a request waited (or has waited so far) for its first triage."""
    if gap.first_triaged_at:
        return duration(gap.time_to_triage)
    if gap.status == Status.OPEN:
        return f"{duration(timezone.now() - gap.created_at)} so far"
    return "—"


@register.filter
def urgency_label(urgency: str) -> str:
    """``critical`` → ``Critical``."""
    return Urgency(urgency).label if urgency in Urgency.values else urgency


@register.filter
def status_label(status: str) -> str:
    """``in_progress`` → ``In progress``."""
    return Status(status).label if status in Status.values else status
