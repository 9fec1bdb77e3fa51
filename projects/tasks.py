"""Celery tasks of the projects app: thin wrappers that take ids and call services.

Services prompt them by name (``core.queue.enqueue_on_commit``), never by import, so this
module may import the services and no cycle hides inside a function.
"""

from celery import shared_task

from core.durable import durable_prompt

from .models import TakeawayRequest


@shared_task(name="takeaway_request_send", bind=True, acks_late=True, ignore_result=True)
def takeaway_request_send(self, request_id: int) -> str:
    """Send the takeaway request ``request_id`` now, unless it was sent or is being sent.

    Only a prompt: the row is the work (``core.durable``); the sweep sends it if this task is
    lost. Transient failures are retried with the row's backoff, a bounded number of times.
    """
    return durable_prompt(self, TakeawayRequest, request_id)
