"""Durable-work helpers: prompt a Celery task once the transaction that needs it commits.

Services name the task instead of importing it, so ``tasks.py`` (which imports the services)
and the services never import each other.
"""

import logging

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)

# A broker that does not answer is retried this briefly, then logged; the work itself is a
# row that a periodic sweep (or a rerun) picks up, so a lost prompt loses nothing.
_PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def _task(name: str):
    """The task registered as ``name``. A web process has not imported the apps' ``tasks``
    modules (a worker does at start-up), so a lookup of a name it lacks imports them first
    (Celery's autodiscovery over the installed apps, nothing else)."""
    if name not in current_app.tasks:
        current_app.autodiscover_tasks(force=True)
    return current_app.tasks[name]


def enqueue_on_commit(task_name: str, *args) -> None:
    """Run the task registered as ``task_name`` with ``args`` after the current transaction
    commits (never for a rolled-back one). Enqueuing never fails the caller: an unknown
    task, a broker that does not answer, or (eagerly) a failing task is logged."""

    def send() -> None:
        try:
            _task(task_name).apply_async(args=args, retry=True, retry_policy=_PUBLISH_RETRY)
        except Exception:
            logger.exception("Could not enqueue %s%r; the sweep will pick it up.", task_name, args)

    transaction.on_commit(send)
