"""Releasing a project emails each rotating person through the real queue and SMTP."""

import pytest

from core.durable import WorkStatus
from projects import services
from projects.models import Phase, Rotation, TakeawayRequest
from tests.factories import RotationFactory, UserFactory, project_with_open_gates
from tests.processes import wait_until


@pytest.mark.django_db(transaction=True)
def test_release_mails_a_takeaway_request_via_the_worker(celery_worker, smtp_inbox):
    manager = UserFactory(role="manager")
    project = project_with_open_gates(phase=Phase.IMPLEMENTATION, name="Churn radar")
    rotation = RotationFactory(project=project, person=UserFactory(email="sam@example.com"))

    services.project_change_phase(project=project, to=Phase.RELEASED, actor=manager)

    messages = smtp_inbox.wait_for(1)
    assert len(messages) == 1
    assert messages[0]["To"] == "sam@example.com"
    assert messages[0]["Subject"] == "What did you learn on Churn radar?"
    assert f"rotation={rotation.pk}" in messages[0].get_payload()
    # The worker marks the row done just after the server accepted the message.
    rows = TakeawayRequest.objects.filter(rotation=rotation)
    wait_until(lambda: rows.get().status == WorkStatus.DONE, 10, "the request marked done")
    request = rows.get()
    assert request.attempts == 1
    assert request.done_at is not None
    # The prompt delivered again (a redelivery) sends nothing more.
    from projects.tasks import takeaway_request_send

    again = takeaway_request_send.apply_async(args=[request.pk], ignore_result=False)
    assert again.get(timeout=30) == "skipped"
    assert len(smtp_inbox.messages) == 1
    assert Rotation.objects.get(pk=rotation.pk).actual_end is not None


def test_django_email_reaches_the_smtp_server(smtp_inbox):
    from django.core.mail import send_mail

    send_mail("Hello", "Body", "tandem@example.com", ["x@example.com"])
    assert smtp_inbox.wait_for(1)[0]["Subject"] == "Hello"
