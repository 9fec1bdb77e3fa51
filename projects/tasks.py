"""Celery tasks of the projects app: thin wrappers that take ids and call services."""

from smtplib import SMTPException

from celery import shared_task


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
