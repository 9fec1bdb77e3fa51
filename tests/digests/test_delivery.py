"""Delivery with the real parts: a Redis broker, a live Celery worker and an SMTP server on
127.0.0.1. One email per person and week, however the job is run; SMTP failures retried,
then failed, then sent on the next run; the unsubscribe link works without a login."""

import datetime
import threading
import time
from email.message import Message

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from core.durable import WorkStatus, durable_run
from digests import services
from digests.models import DigestDelivery, DigestPreference, Result
from projects.models import Takeaway
from tests.factories import TakeawayFactory, UserFactory
from tests.processes import free_port, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def _people_with_a_week(count: int) -> list:
    """People whose digest is due now (today, hour 0, UTC) and a takeaway in their week."""
    now = timezone.now()
    people = []
    for n in range(count):
        person = UserFactory(username=f"reader{n}", email=f"reader{n}@example.com")
        DigestPreference.objects.create(user=person, weekday=now.weekday(), hour=0, time_zone="UTC")
        people.append(person)
    takeaway = TakeawayFactory(title="Leakage hides in timestamps", author=UserFactory(email=""))
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    Takeaway.objects.filter(pk=takeaway.pk).update(
        created_at=midnight - datetime.timedelta(hours=3)
    )
    return people


def _parts(message: Message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }


def _settle(inbox, expected: int, quiet: float = 1.5) -> list:
    """Wait for ``expected`` messages, then a little longer to catch any extra."""
    inbox.wait_for(expected)
    time.sleep(quiet)
    return inbox.messages


def test_the_worker_mails_each_person_with_both_parts_and_unsubscribe_headers(
    celery_worker, smtp_inbox
):
    people = _people_with_a_week(3)
    assert services.digests_schedule() == 3
    messages = _settle(smtp_inbox, 3)
    assert sorted(m["To"] for m in messages) == sorted(p.email for p in people)
    message = messages[0]
    assert message["Subject"].startswith("Tandem week ")
    assert message["Subject"].endswith(": 1 takeaway")
    parts = _parts(message)
    assert "Leakage hides in timestamps" in parts["text/plain"]
    assert "Leakage hides in timestamps" in parts["text/html"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    path = link.split("://", 1)[1].split("/", 1)[1]
    # A mail client's one-click POST: no session, no CSRF token.
    response = Client(enforce_csrf_checks=True).post("/" + path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    recipient = next(p for p in people if p.email == message["To"])
    assert DigestPreference.objects.get(user=recipient).enabled is False
    wait_until(
        lambda: {d.state for d in DigestDelivery.objects.all()} == {Result.SENT},
        10,
        "deliveries marked sent",
    )
    assert all(d.html_body and d.subject for d in DigestDelivery.objects.all())


def test_the_job_run_twice_and_at_once_mails_one_digest_per_person(celery_worker, smtp_inbox):
    _people_with_a_week(4)
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            services.digests_schedule()
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    services.digests_schedule()
    messages = _settle(smtp_inbox, 4, quiet=3)
    assert len(messages) == 4
    assert len({m["To"] for m in messages}) == 4
    assert DigestDelivery.objects.count() == 4


def test_smtp_down_is_retried_then_failed_then_sent_on_the_next_run(settings, smtp_inbox):
    settings.DIGEST_RETRY_SECONDS = 0
    settings.EMAIL_PORT = free_port()  # nothing listens there: connection refused
    (person,) = _people_with_a_week(1)
    services.digests_schedule()
    delivery = DigestDelivery.objects.get(user=person)
    outcomes = [
        durable_run(DigestDelivery, delivery.pk) for _ in range(DigestDelivery.max_attempts)
    ]
    assert outcomes == [WorkStatus.PENDING] * (DigestDelivery.max_attempts - 1) + [
        WorkStatus.FAILED
    ]
    delivery.refresh_from_db()
    assert delivery.state == "failed"
    assert "Connection refused" in delivery.last_error or "Errno" in delivery.last_error
    assert smtp_inbox.messages == []

    settings.EMAIL_PORT = smtp_inbox.port  # the server is back
    assert services.digests_schedule() == 1  # the next run gives it another go
    assert durable_run(DigestDelivery, delivery.pk) == WorkStatus.DONE
    assert durable_run(DigestDelivery, delivery.pk) == "skipped"
    assert services.digests_schedule() == 0
    assert len(smtp_inbox.messages) == 1
    delivery.refresh_from_db()
    assert delivery.state == "sent"
