"""The takeaway request is durable work, prompted only once the release commits, by name.

Celery runs eagerly here, so enqueuing *is* sending: an email in the outbox before the
commit would mean the prompt went out inside the transaction. That makes the check
deterministic, where a real worker racing the commit caught it only now and then.
"""

import logging

import pytest
from django.db import transaction

from core.durable import WorkStatus
from core.queue import enqueue_on_commit
from projects import services
from projects.models import Phase, TakeawayRequest
from tests.factories import ProjectFactory, RotationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_celery():
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before


def test_release_writes_the_requests_and_prompts_them_only_after_commit(
    manager, mailoutbox, django_capture_on_commit_callbacks, eager_celery
):
    project = ProjectFactory(phase=Phase.IMPLEMENTATION)
    first = RotationFactory(project=project)
    second = RotationFactory(project=project, role="Engineer")
    RotationFactory(project=project, person=None)  # a placeholder: nobody to ask
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.project_change_phase(project=project, to=Phase.RELEASED, actor=manager)
        # Still inside the transaction: the work is written, nothing is sent.
        rows = list(TakeawayRequest.objects.order_by("rotation_id"))
        assert [(row.rotation_id, row.status, row.attempts) for row in rows] == [
            (first.pk, WorkStatus.PENDING, 0),
            (second.pk, WorkStatus.PENDING, 0),
        ]
        assert mailoutbox == []
    assert len(callbacks) == 2  # one prompt per request
    assert mailoutbox == []
    for commit_callback in callbacks:
        commit_callback()
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [first.person.email, second.person.email]
    )
    assert set(TakeawayRequest.objects.values_list("status", "attempts")) == {(WorkStatus.DONE, 1)}
    # A prompt delivered again (a redelivery) sends nothing more.
    callbacks[0]()
    assert len(mailoutbox) == 2


def test_a_rolled_back_release_writes_and_queues_nothing(
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
    assert not TakeawayRequest.objects.exists()


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
