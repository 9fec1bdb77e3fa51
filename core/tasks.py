"""Celery tasks with no domain."""

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
