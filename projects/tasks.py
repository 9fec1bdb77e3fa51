"""Celery tasks of the projects app: thin wrappers that take ids and call services."""

from smtplib import SMTPException

from celery import shared_task
from django.contrib.auth.models import User
from django.db import connection


@shared_task(name="system_ping")
def system_ping() -> dict:
    """Answer from a worker with what it sees: the database vendor and how many people.

    Used by the health tests (and operators) to prove a worker is consuming the broker and
    talking to the same database as the web processes.
    """
    return {"database": connection.vendor, "people": User.objects.count()}


@shared_task(
    name="rotation_request_takeaway",
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def rotation_request_takeaway(rotation_id: int) -> bool:
    """Email the person whose rotation ended asking for a takeaway (at most once)."""
    from .services import rotation_send_takeaway_request

    return rotation_send_takeaway_request(rotation_id=rotation_id)
