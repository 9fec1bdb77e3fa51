"""Celery tasks of the integrations app: thin prompts for durable work."""

from celery import shared_task

from core.durable import durable_prompt

from .models import Delivery


@shared_task(name="webhook_deliver", bind=True, acks_late=True)
def webhook_deliver(self, delivery_id: int) -> str:
    """Send one webhook delivery now (claimed first, so a duplicate prompt sends once)."""
    return durable_prompt(self, Delivery, delivery_id)
