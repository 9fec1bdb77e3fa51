"""Celery tasks of the digests app: thin wrappers that take ids and call services."""

from celery import shared_task
from django.core import mail

from core.durable import durable_prompt, durable_run

from .models import DigestDelivery
from .services import SMTP_CONNECTION, batch_cache
from .services import digests_schedule as schedule


@shared_task(name="digests_schedule", acks_late=True)
def digests_schedule() -> int:
    """The hourly beat job: queue the digests whose send time has come (see the service)."""
    return schedule()


@shared_task(name="digests_send_batch", acks_late=True, ignore_result=True)
def digests_send_batch(delivery_ids: list[int]) -> dict[str, int]:
    """Build and send a batch of deliveries, sharing one cache. Each row is claimed before
    it is sent, so a redelivered batch (a worker killed mid-way) skips the ones done."""
    connection = mail.get_connection()  # one SMTP session for the batch, opened on first use
    token = batch_cache.set({SMTP_CONNECTION: connection})
    outcomes: dict[str, int] = {}
    try:
        for pk in delivery_ids:
            outcome = durable_run(DigestDelivery, pk)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    finally:
        batch_cache.reset(token)
        connection.close()
    return outcomes


@shared_task(name="digest_delivery_send", bind=True, acks_late=True, ignore_result=True)
def digest_delivery_send(self, delivery_id: int) -> str:
    """Send one delivery now (a prompt; the sweep sends it if this is lost)."""
    return durable_prompt(self, DigestDelivery, delivery_id)
