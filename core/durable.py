"""Work that must happen is a row, not a message.

An email to send, a webhook to deliver, an escalation to raise: each is a row of a concrete
subclass of :class:`DurableWork`, written in the same transaction as the change that causes
it (:func:`durable_create`). Its Celery task is only a prompt to do it now, sent once the
transaction commits; if the broker is down the prompt is lost and nothing else is: the
periodic :func:`durable_sweep` (Celery beat, ``config/celery.py``) runs every row that is due.

Whoever acts first *claims* the row (:func:`durable_claim`: one conditional ``UPDATE`` that
only one process can win, moving it to ``sending``), then runs the kind's handler, then marks
it ``done``. A prompt delivered twice, two workers, two beats or a sweep racing a prompt
therefore act once. A claim older than the kind's ``claim_timeout`` (a worker that died while
acting) is taken over. A transient error (``OSError``, which covers SMTP and socket errors)
puts the row back to ``pending`` with a backoff; any other error, or the last allowed
attempt, marks it ``failed`` and logs it, for an operator to look at.

A crash after the handler acted but before ``done`` was written means a takeover acts again:
delivery is at least once in that case, exactly once otherwise.

A kind is a model and a handler, registered once (:func:`register_durable`) with the name of
its prompt task; the app's ``tasks.py`` defines that task as a thin wrapper around
:func:`durable_prompt`.
"""

import datetime
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from celery import shared_task
from celery.exceptions import Retry
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

ZERO = datetime.timedelta(0)


class WorkStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class DurableWork(models.Model):
    """One piece of work that must happen, and how far it got (abstract).

    ``pending`` rows are due from ``next_attempt_at``; ``sending`` rows are claimed by the
    process acting on them since ``claimed_at``; ``done`` and ``failed`` are final.
    ``attempts`` counts claims, so a worker that dies mid-way uses up an attempt too.

    A subclass adds the fields naming its work and may change the class attributes below.
    If it declares its own ``Meta`` it must inherit ``DurableWork.Meta`` (the sweep's index).
    """

    status = models.CharField(
        max_length=10, choices=WorkStatus.choices, default=WorkStatus.PENDING, editable=False
    )
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    next_attempt_at = models.DateTimeField(default=timezone.now, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    done_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    #: Claims allowed before the row is given up as ``failed``.
    max_attempts = 5
    #: A claim older than this was abandoned (its worker died) and may be taken over. It must
    #: exceed the prompt task's hard time limit (``CELERY_TASK_TIME_LIMIT``, 300 s), so that a
    #: slow but living worker is never overtaken.
    claim_timeout = datetime.timedelta(minutes=10)
    #: The wait after the first transient failure; it doubles with each attempt, up to an hour.
    retry_delay = datetime.timedelta(seconds=30)

    class Meta:
        abstract = True
        indexes = [
            # The sweep's query; finished rows (nearly all of them) stay out of the index.
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=Q(status__in=[WorkStatus.PENDING, WorkStatus.SENDING]),
                name="%(app_label)s_%(class)s_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=WorkStatus.values), name="%(app_label)s_%(class)s_status"
            ),
        ]

    @classmethod
    def backoff(cls, attempts: int) -> datetime.timedelta:
        """How long to wait after the ``attempts``-th attempt failed transiently."""
        return min(cls.retry_delay * 2 ** max(attempts - 1, 0), datetime.timedelta(hours=1))


W = TypeVar("W", bound=DurableWork)


# --- the registry of kinds ---------------------------------------------------------------


@dataclass(frozen=True)
class DurableKind:
    model: type[DurableWork]
    handler: Callable[[Any], None]
    task_name: str
    transient: tuple[type[BaseException], ...]


_KINDS: dict[str, DurableKind] = {}


def register_durable(
    *,
    model: type[DurableWork],
    handler: Callable[[Any], None],
    task_name: str,
    transient: tuple[type[BaseException], ...] = (OSError,),
) -> None:
    """Declare a kind of durable work: rows of ``model`` are done by ``handler(row)``, and
    ``task_name`` is the Celery task that prompts one row by id. Idempotent (keyed by model).

    ``handler`` acts and returns; it raises to fail. Errors of the ``transient`` types are
    retried with backoff, waiting at least the error's ``retry_after`` (a timedelta) if it
    has one (``OSError`` covers SMTP, socket and HTTP connection errors); any
    other error is a bug or a refusal that will not fix itself, and fails the row at once.
    """
    _KINDS[model._meta.label] = DurableKind(
        model=model, handler=handler, task_name=task_name, transient=transient
    )


def durable_kinds() -> list[DurableKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.model._meta.label)


def _kind(model: type[DurableWork]) -> DurableKind:
    try:
        return _KINDS[model._meta.label]
    except KeyError:
        raise LookupError(f"{model._meta.label} is not registered as durable work.") from None


# --- writing, claiming, finishing --------------------------------------------------------


def durable_create(rows: list[W]) -> list[W]:
    """Save new rows of durable work in the caller's transaction and prompt each one's task
    once it commits (a rolled-back transaction leaves neither rows nor prompts)."""
    if not rows:
        return rows
    kind = _kind(type(rows[0]))
    for row in rows:
        row.save()
        enqueue_on_commit(kind.task_name, row.pk)
    return rows


def _claimable(model: type[DurableWork], now: datetime.datetime) -> Q:
    """Pending and due, or claimed so long ago that the claimer must have died."""
    return Q(status=WorkStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=WorkStatus.SENDING, claimed_at__lt=now - model.claim_timeout
    )


def durable_claim(model: type[W], pk: int) -> W | None:
    """Claim the row for this process, or return ``None`` if it is not claimable (done,
    failed, not yet due, claimed by a living worker, or out of attempts).

    One ``UPDATE ... WHERE`` decides: PostgreSQL re-checks the condition on the row it waited
    for, so of two concurrent claims exactly one changes the row.
    """
    now = timezone.now()
    claimed = model.objects.filter(
        _claimable(model, now), pk=pk, attempts__lt=model.max_attempts
    ).update(status=WorkStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return model.objects.get(pk=pk)


def _release(row: DurableWork, **fields: Any) -> bool:
    """Write ``fields`` to a row this process claimed, unless its claim was taken over."""
    updated = (
        type(row)
        .objects.filter(pk=row.pk, status=WorkStatus.SENDING, claimed_at=row.claimed_at)
        .update(**fields)
    )
    if not updated:
        logger.warning(
            "%s %s was taken over while this process was acting on it.",
            row._meta.label,
            row.pk,
        )
    return bool(updated)


def durable_finish(row: DurableWork) -> None:
    """Mark a claimed row done."""
    _release(row, status=WorkStatus.DONE, done_at=timezone.now(), last_error="")


def durable_fail(row: DurableWork, error: BaseException, *, transient: bool) -> str:
    """Record a failed attempt on a claimed row: back to pending after a backoff if the error
    is transient and attempts remain, else failed (logged as an error). Returns the status."""
    model = type(row)
    message = f"{type(error).__name__}: {error}"[:2000]
    if transient and row.attempts < model.max_attempts:
        # A transient error may say how long to wait at least (an HTTP Retry-After).
        wait = max(model.backoff(row.attempts), getattr(error, "retry_after", None) or ZERO)
        _release(
            row,
            status=WorkStatus.PENDING,
            next_attempt_at=timezone.now() + wait,
            last_error=message,
        )
        logger.warning(
            "%s %s failed (attempt %s of %s), retrying in %ss: %s",
            row._meta.label,
            row.pk,
            row.attempts,
            model.max_attempts,
            int(wait.total_seconds()),
            message,
        )
        return WorkStatus.PENDING
    _release(row, status=WorkStatus.FAILED, last_error=message)
    logger.error(
        "%s %s failed for good after %s attempt(s): %s",
        row._meta.label,
        row.pk,
        row.attempts,
        message,
        exc_info=error,
    )
    return WorkStatus.FAILED


# --- acting ------------------------------------------------------------------------------

#: What :func:`durable_run` did: nothing (``skipped``: someone else has it, or it is not
#: due), or the row's new status.
SKIPPED = "skipped"


def durable_run(model: type[DurableWork], pk: int) -> str:
    """Claim the row, run its kind's handler, and record the outcome; at most one process
    acts on a row at a time. Returns ``skipped``, ``done``, ``pending`` (will retry) or
    ``failed``."""
    kind = _kind(model)
    row = durable_claim(model, pk)
    if row is None:
        return SKIPPED
    try:
        kind.handler(row)
    except kind.transient as error:
        return durable_fail(row, error, transient=True)
    except Exception as error:
        return durable_fail(row, error, transient=False)
    durable_finish(row)
    return WorkStatus.DONE


def durable_prompt(task, model: type[DurableWork], pk: int) -> str:
    """The body of a kind's prompt task (``bind=True``): run the row now; after a transient
    failure, ask Celery to prompt again when the row is due (the sweep would pick it up
    anyway, so a retry that cannot be enqueued is only logged)."""
    outcome = durable_run(model, pk)
    if outcome == WorkStatus.PENDING:
        due = model.objects.filter(pk=pk).values_list("next_attempt_at", flat=True).first()
        wait = max((due - timezone.now()).total_seconds(), 1) if due else model.retry_delay
        try:
            raise task.retry(countdown=wait, max_retries=model.max_attempts)
        except Retry:
            raise
        except Exception:
            logger.warning("Could not re-prompt %s %s; the sweep will.", model._meta.label, pk)
    return outcome


# --- the sweep -----------------------------------------------------------------------------

#: Rows one sweep looks at per kind; the rest wait for the next sweep.
SWEEP_BATCH = 200
#: A sweep stops starting new rows after this long, so it ends well before the next one
#: (beat runs it every ``DURABLE_SWEEP_SECONDS``, 60 by default) and the time limit.
SWEEP_BUDGET_SECONDS = 45.0


def durable_sweep(*, budget_seconds: float = SWEEP_BUDGET_SECONDS) -> dict[str, dict[str, int]]:
    """Run every row of every kind whose prompt was lost: pending and due, or stale-claimed.

    Rows whose stale claim used the last attempt are marked failed. Each row is claimed
    before it is run, so sweeps that overlap each other or a prompt never act twice.
    Returns, per kind, how many rows ended in each outcome.
    """
    deadline = time.monotonic() + budget_seconds
    report: dict[str, dict[str, int]] = {}
    for kind in durable_kinds():
        model = kind.model
        now = timezone.now()
        counts: dict[str, int] = {}
        with transaction.atomic():
            abandoned = model.objects.filter(
                status=WorkStatus.SENDING,
                claimed_at__lt=now - model.claim_timeout,
                attempts__gte=model.max_attempts,
            ).update(
                status=WorkStatus.FAILED,
                last_error="Abandoned: the last attempt never finished.",
            )
        if abandoned:
            counts[WorkStatus.FAILED] = abandoned
            logger.error(
                "%s: %s row(s) failed for good: their last attempt never finished.",
                model._meta.label,
                abandoned,
            )
        due = list(
            model.objects.filter(_claimable(model, now), attempts__lt=model.max_attempts)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        for pk in due:
            if time.monotonic() > deadline:
                break
            outcome = durable_run(model, pk)
            counts[outcome] = counts.get(outcome, 0) + 1
        report[model._meta.label] = counts
        if due:
            logger.info("Swept %s: %s", model._meta.label, counts)
    return report


def durable_backlog() -> dict[str, dict[str, int]]:
    """What to monitor, per kind: rows ``due`` (pending and due now: should stay near zero
    while workers and beat run), ``stale`` (claimed longer than the claim timeout ago) and
    ``failed`` (given up: need a person)."""
    now = timezone.now()
    backlog = {}
    for kind in durable_kinds():
        model = kind.model
        backlog[model._meta.label] = {
            "due": model.objects.filter(
                status=WorkStatus.PENDING, next_attempt_at__lte=now
            ).count(),
            "stale": model.objects.filter(
                status=WorkStatus.SENDING, claimed_at__lt=now - model.claim_timeout
            ).count(),
            "failed": model.objects.filter(status=WorkStatus.FAILED).count(),
        }
    return backlog


@shared_task(name="durable_sweep", acks_late=True)
def durable_sweep_task() -> dict[str, dict[str, int]]:
    """The periodic sweep (see ``config/celery.py``)."""
    return durable_sweep()
