"""Prompt a Celery task once the transaction that needs it commits, never failing the caller.

Services name the task instead of importing it, so ``tasks.py`` (which imports the services)
and the services never import each other.

A prompt is only a prompt: the work itself is a row (:mod:`core.durable`) that the periodic
sweep runs if the prompt is lost. So publishing is bounded and best effort: the broker's
connect and socket timeouts and the publish retry policy (``config/celery.py``) bound one
attempt to about a second, and after a broker failure this process skips publishing for
:data:`BROKER_PAUSE_SECONDS`, so an outage costs a request at most one such wait, not one per
prompt, and the log one line per pause, not one per request.
"""

import logging
import time

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

#: After the broker failed, prompts are skipped (and left to the sweep) for this long.
BROKER_PAUSE_SECONDS = 10.0

# monotonic time until which the broker is taken to be down, in this process.
_broker_down_until = 0.0


def _task(name: str):
    """The task registered as ``name``. A web process has not imported the apps' ``tasks``
    modules (a worker does at start-up), so a lookup of a name it lacks imports them first
    (Celery's autodiscovery over the installed apps, nothing else)."""
    if name not in current_app.tasks:
        current_app.autodiscover_tasks(force=True)
    return current_app.tasks[name]


def publish(task_name: str, args: tuple) -> bool:
    """Send the task now; ``False`` (logged) if it could not be sent. Never raises.

    The prompt ignores its result: registering interest in a result costs a round trip to
    the result backend, which with Redis down retried for 19 s before failing.
    """
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        logger.info("Broker paused after a failure: %s%r left to the sweep.", task_name, args)
        return False
    try:
        _task(task_name).apply_async(args=args, ignore_result=True)
    except OperationalError as error:
        _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.error(
            "The broker did not take %s%r (%s); prompts pause for %ss, the sweep will do the work.",
            task_name,
            args,
            error,
            int(BROKER_PAUSE_SECONDS),
        )
        return False
    except Exception:
        logger.exception("Could not enqueue %s%r; the sweep will pick it up.", task_name, args)
        return False
    return True


def enqueue_on_commit(task_name: str, *args) -> None:
    """Run the task registered as ``task_name`` with ``args`` after the current transaction
    commits (never for a rolled-back one). Enqueuing never fails the caller: an unknown
    task, a broker that does not answer, or (eagerly) a failing task is logged."""
    transaction.on_commit(lambda: publish(task_name, args))


def broker_resume() -> None:
    """Forget a broker failure, so the next prompt is tried at once (for tests)."""
    global _broker_down_until
    _broker_down_until = 0.0
