"""Celery tasks of the flags app: thin wrappers over services."""

from celery import shared_task

from .services import flags_escalate as escalate


@shared_task(name="flags_escalate", acks_late=True)
def flags_escalate() -> int:
    """Escalate overdue unacknowledged flags (beat, hourly). Safe to run twice or at once:
    each flag, opening and step is escalated once (see the service). Returns how many
    escalations this run recorded."""
    return escalate()
