"""Durable work (``core.durable``) on the takeaway requests: claimed once, retried, given up.

Real PostgreSQL (two threads race on the row lock) and the real SMTP server; the broker is
not involved: these call what the prompt task and the sweep call.
"""

import datetime
import logging
import threading

import pytest
from django.db import connection
from django.utils import timezone

from core import durable
from core.durable import WorkStatus, durable_backlog, durable_run, durable_sweep
from projects.models import TakeawayRequest
from tests.factories import RotationFactory, UserFactory
from tests.processes import free_port

CLAIM_TIMEOUT = datetime.timedelta(minutes=10)


def _request(email: str, **fields) -> TakeawayRequest:
    rotation = RotationFactory(
        person=UserFactory(email=email), takeaway_requested_at=timezone.now()
    )
    return TakeawayRequest.objects.create(rotation=rotation, **fields)


@pytest.fixture
def smtp_down(smtp_inbox, settings):
    """Email goes to a port where nothing listens (connection refused: an ``OSError``)."""
    settings.EMAIL_PORT = free_port()
    return smtp_inbox


def _together(count: int, action) -> list:
    """Run ``action()`` in ``count`` threads released at the same moment; their results."""
    barrier = threading.Barrier(count)
    results: list = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(action())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db
def test_a_row_is_sent_once_however_often_it_is_run(smtp_inbox):
    request = _request("ana@example.com")
    assert durable_run(TakeawayRequest, request.pk) == WorkStatus.DONE
    assert durable_run(TakeawayRequest, request.pk) == "skipped"
    assert durable_sweep()["projects.TakeawayRequest"] == {}
    assert [message["To"] for message in smtp_inbox.messages] == ["ana@example.com"]
    request.refresh_from_db()
    assert (request.status, request.attempts, request.last_error) == (WorkStatus.DONE, 1, "")
    assert request.done_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_prompts_for_one_row_send_once(smtp_inbox):
    request = _request("ben@example.com")
    outcomes = _together(2, lambda: durable_run(TakeawayRequest, request.pk))
    assert sorted(outcomes) == [WorkStatus.DONE, "skipped"]
    assert len(smtp_inbox.wait_for(1, timeout=2)) == 1
    assert TakeawayRequest.objects.get(pk=request.pk).attempts == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_row_once(smtp_inbox):
    emails = [f"person{n}@example.com" for n in range(6)]
    for email in emails:
        _request(email)
    reports = _together(2, durable_sweep)
    done = sum(report["projects.TakeawayRequest"].get(WorkStatus.DONE, 0) for report in reports)
    assert done == 6
    assert sorted(message["To"] for message in smtp_inbox.wait_for(6, timeout=2)) == emails
    assert set(TakeawayRequest.objects.values_list("status", "attempts")) == {(WorkStatus.DONE, 1)}


@pytest.mark.django_db
def test_a_stale_claim_is_taken_over_and_a_live_one_is_not(smtp_inbox):
    now = timezone.now()
    stale = _request(
        "stale@example.com",
        status=WorkStatus.SENDING,
        attempts=1,
        claimed_at=now - CLAIM_TIMEOUT - datetime.timedelta(seconds=5),
    )
    live = _request(
        "live@example.com",
        status=WorkStatus.SENDING,
        attempts=1,
        claimed_at=now - CLAIM_TIMEOUT + datetime.timedelta(seconds=30),
    )
    assert durable_run(TakeawayRequest, live.pk) == "skipped"
    assert durable_sweep()["projects.TakeawayRequest"] == {WorkStatus.DONE: 1}
    assert [message["To"] for message in smtp_inbox.messages] == ["stale@example.com"]
    stale.refresh_from_db()
    live.refresh_from_db()
    assert (stale.status, stale.attempts) == (WorkStatus.DONE, 2)
    assert (live.status, live.attempts) == (WorkStatus.SENDING, 1)


@pytest.mark.django_db
def test_an_smtp_failure_leaves_the_row_pending_and_a_later_run_sends_it(smtp_down, settings):
    request = _request("cat@example.com")
    before = timezone.now()
    assert durable_run(TakeawayRequest, request.pk) == WorkStatus.PENDING
    request.refresh_from_db()
    assert (request.status, request.attempts) == (WorkStatus.PENDING, 1)
    assert "ConnectionRefusedError" in request.last_error
    # The first retry waits 30 seconds: not before.
    wait = request.next_attempt_at - before
    assert datetime.timedelta(seconds=30) <= wait < datetime.timedelta(seconds=31)

    settings.EMAIL_PORT = smtp_down.port  # SMTP is back
    assert durable_sweep()["projects.TakeawayRequest"] == {}  # not due yet
    assert smtp_down.messages == []
    TakeawayRequest.objects.filter(pk=request.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(milliseconds=1)
    )
    assert durable_sweep()["projects.TakeawayRequest"] == {WorkStatus.DONE: 1}
    assert [message["To"] for message in smtp_down.messages] == ["cat@example.com"]
    request.refresh_from_db()
    assert (request.status, request.attempts, request.last_error) == (WorkStatus.DONE, 2, "")


def test_the_backoff_doubles_from_30_seconds_up_to_an_hour():
    waits = [TakeawayRequest.backoff(attempt).total_seconds() for attempt in (1, 2, 3, 4, 7, 8)]
    assert waits == [30, 60, 120, 240, 1920, 3600]


@pytest.mark.django_db
@pytest.mark.parametrize(("attempts_before", "status_after"), [(3, "pending"), (4, "failed")])
def test_the_fifth_failed_attempt_fails_the_row_and_logs_it(
    smtp_down, caplog, attempts_before, status_after
):
    request = _request("dan@example.com", attempts=attempts_before)
    with caplog.at_level(logging.WARNING, logger="core.durable"):
        assert durable_run(TakeawayRequest, request.pk) == status_after
    request.refresh_from_db()
    assert (request.status, request.attempts) == (status_after, attempts_before + 1)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    if status_after == "failed":
        assert len(errors) == 1
        assert f"projects.TakeawayRequest {request.pk} failed for good after 5" in errors[0].message
        assert durable_run(TakeawayRequest, request.pk) == "skipped"  # final
    else:
        assert errors == []
    assert smtp_down.messages == []


@pytest.mark.django_db
def test_an_error_that_is_not_transient_fails_the_row_at_once(smtp_inbox, monkeypatch, caplog):
    kind = durable._KINDS["projects.TakeawayRequest"]

    def broken(request):
        raise ValueError("a bug, not an outage")

    monkeypatch.setitem(
        durable._KINDS,
        "projects.TakeawayRequest",
        durable.DurableKind(TakeawayRequest, broken, kind.task_name, kind.transient),
    )
    request = _request("eve@example.com")
    with caplog.at_level(logging.ERROR, logger="core.durable"):
        assert durable_run(TakeawayRequest, request.pk) == WorkStatus.FAILED
    request.refresh_from_db()
    assert (request.status, request.attempts) == (WorkStatus.FAILED, 1)
    assert request.last_error == "ValueError: a bug, not an outage"
    assert "failed for good" in caplog.text


@pytest.mark.django_db
def test_an_abandoned_last_attempt_is_given_up_not_sent(smtp_inbox, caplog):
    claimed = timezone.now() - CLAIM_TIMEOUT - datetime.timedelta(seconds=5)
    request = _request("fay@example.com", status=WorkStatus.SENDING, attempts=5, claimed_at=claimed)
    with caplog.at_level(logging.ERROR, logger="core.durable"):
        assert durable_sweep()["projects.TakeawayRequest"] == {WorkStatus.FAILED: 1}
    request.refresh_from_db()
    assert request.status == WorkStatus.FAILED
    assert "never finished" in caplog.text
    assert smtp_inbox.messages == []


@pytest.mark.django_db
def test_the_backlog_counts_what_an_operator_watches():
    now = timezone.now()
    _request("a@example.com")  # due
    _request("b@example.com", next_attempt_at=now + datetime.timedelta(minutes=1))  # waiting
    _request(
        "c@example.com",
        status=WorkStatus.SENDING,
        claimed_at=now - CLAIM_TIMEOUT - datetime.timedelta(seconds=1),
    )
    _request("d@example.com", status=WorkStatus.SENDING, claimed_at=now)  # being sent
    _request("e@example.com", status=WorkStatus.FAILED)
    _request("f@example.com", status=WorkStatus.DONE)
    assert durable_backlog()["projects.TakeawayRequest"] == {"due": 1, "stale": 1, "failed": 1}


@pytest.mark.django_db
def test_the_prompt_task_asks_celery_to_retry_when_the_row_is_due(smtp_down):
    """A transient failure re-prompts with the row's backoff, bounded by its attempts."""
    from celery.exceptions import Retry

    from projects.tasks import takeaway_request_send

    request = _request("gus@example.com")
    asked: dict = {}

    class Task:
        def retry(self, **options):
            asked.update(options)
            return Retry()

    with pytest.raises(Retry):
        takeaway_request_send.run.__func__(Task(), request.pk)
    assert asked["max_retries"] == 5
    assert 29 <= asked["countdown"] <= 30
