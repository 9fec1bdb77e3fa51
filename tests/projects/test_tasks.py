"""Through a real Celery worker: releasing a project emails each rotating person once."""

import time

import pytest

from projects import services
from projects.models import Phase, Rotation
from tests.factories import ProjectFactory, RotationFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_release_queues_the_takeaway_request_after_commit(celery_worker):
    manager = UserFactory(role="manager")
    project = ProjectFactory(phase=Phase.IMPLEMENTATION)
    rotation = RotationFactory(project=project)
    services.project_change_phase(project=project, to=Phase.RELEASED, actor=manager)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if Rotation.objects.get(pk=rotation.pk).takeaway_email_sent_at is not None:
            break
        time.sleep(0.1)
    assert Rotation.objects.get(pk=rotation.pk).takeaway_email_sent_at is not None
