"""Celery tasks of the projects app: thin wrappers that take ids and call services.

Services prompt them by name (``core.queue.enqueue_on_commit``), never by import, so this
module may import the services and no cycle hides inside a function.
"""

from smtplib import SMTPException

from celery import shared_task

from .services import rotation_send_takeaway_request


@shared_task(
    name="rotation_request_takeaway",
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    max_retries=5,
)
def rotation_request_takeaway(rotation_id: int) -> bool:
    """Email the person whose rotation ended asking for a takeaway (at most once)."""
    return rotation_send_takeaway_request(rotation_id=rotation_id)
