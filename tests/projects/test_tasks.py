"""The takeaway request is prompted only once the release commits, by task name.

Celery runs eagerly here, so enqueuing *is* sending: an email in the outbox before the
commit would mean the prompt went out inside the transaction. That makes the check
deterministic, where a real worker racing the commit caught it only now and then.
"""

import logging

import pytest
from django.db import transaction

from core.queue import enqueue_on_commit
from projects import services
from projects.models import Phase, Rotation
from tests.factories import ProjectFactory, RotationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_celery():
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before


def test_release_queues_the_takeaway_request_only_after_commit(
    manager, mailoutbox, django_capture_on_commit_callbacks, eager_celery
):
    project = ProjectFactory(phase=Phase.IMPLEMENTATION)
    rotation = RotationFactory(project=project)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.project_change_phase(project=project, to=Phase.RELEASED, actor=manager)
        # Still inside the transaction: nothing sent, nothing claimed.
        assert mailoutbox == []
        assert Rotation.objects.get(pk=rotation.pk).takeaway_email_sent_at is None
    assert len(callbacks) == 1
    assert mailoutbox == []
    callbacks[0]()  # the commit
    assert [message.to for message in mailoutbox] == [[rotation.person.email]]
    assert Rotation.objects.get(pk=rotation.pk).takeaway_email_sent_at is not None


def test_a_rolled_back_release_queues_nothing(
    manager, mailoutbox, django_capture_on_commit_callbacks, eager_celery
):
    project = ProjectFactory(phase=Phase.IMPLEMENTATION)
    RotationFactory(project=project)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.project_change_phase(project=project, to=Phase.RELEASED, actor=manager)
        raise RuntimeError("rolled back")
    assert callbacks == [] and mailoutbox == []


def test_enqueuing_never_fails_the_caller(django_capture_on_commit_callbacks, caplog):
    with (
        caplog.at_level(logging.ERROR, logger="core.queue"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueue_on_commit("no_such_task", 1)
    assert "Could not enqueue no_such_task" in caplog.text


def test_the_services_do_not_import_the_tasks():
    """The task is found by name: no import cycle services → tasks → services."""
    import ast
    from pathlib import Path

    import projects.services as package

    for path in Path(package.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").endswith("tasks"), path
