"""Escalation of unacknowledged flags: once per flag, opening and step (day 3, day 7), on
both sides of each boundary, and idempotent when run twice or at once."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from activity.models import Activity, EventType
from flags import services
from flags.models import Flag, FlagEscalation
from flags.selectors import flag_list
from flags.tasks import flags_escalate
from tests.factories import FlagFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)


def _open_since(flag: Flag, moment: datetime.datetime) -> Flag:
    Flag.objects.filter(pk=flag.pk).update(opened_at=moment, created_at=moment)
    flag.refresh_from_db()
    return flag


def _steps(flag: Flag) -> list[int]:
    return sorted(FlagEscalation.objects.filter(flag=flag).values_list("step_days", flat=True))


def test_overdue_and_the_first_step_start_just_after_three_days(flag):
    opened = timezone.now() - 10 * DAY
    _open_since(flag, opened)
    assert services.flags_escalate(now=opened + 3 * DAY) == 0
    assert not flag_list(opened + 3 * DAY).get(pk=flag.pk).overdue
    assert services.flags_escalate(now=opened + 3 * DAY + SECOND) == 1
    assert _steps(flag) == [3]
    assert flag_list(opened + 3 * DAY + SECOND).get(pk=flag.pk).overdue


def test_the_second_step_after_seven_days(flag):
    opened = timezone.now() - 10 * DAY
    _open_since(flag, opened)
    assert services.flags_escalate(now=opened + 7 * DAY) == 1
    assert _steps(flag) == [3]
    assert services.flags_escalate(now=opened + 7 * DAY + SECOND) == 1
    assert _steps(flag) == [3, 7]


def test_each_step_once_however_often_it_runs(flag):
    now = timezone.now()
    _open_since(flag, now - 8 * DAY)
    assert services.flags_escalate(now=now) == 2
    assert services.flags_escalate(now=now) == 0
    assert services.flags_escalate(now=now + DAY) == 0
    assert _steps(flag) == [3, 7]
    assert Activity.objects.filter(event=EventType.FLAG_ESCALATED).count() == 2


def test_escalation_tells_the_owner_and_the_projects_manager(flag, owner, manager):
    now = timezone.now()
    _open_since(flag, now - 4 * DAY)
    services.flags_escalate(now=now)
    event = Activity.objects.get(event=EventType.FLAG_ESCALATED)
    assert event.data["notify"] == sorted([owner.pk, manager.pk])
    assert event.data["step_days"] == 3
    assert event.project == flag.project


def test_acknowledged_and_closed_flags_are_not_escalated(flag, engineer):
    now = timezone.now()
    services.flag_transition(flag=flag, to="acknowledged", actor=engineer)
    _open_since(flag, now - 10 * DAY)
    assert services.flags_escalate(now=now) == 0


def test_a_reopened_flag_is_escalated_again_from_its_reopening(flag, engineer):
    now = timezone.now()
    _open_since(flag, now - 10 * DAY)
    services.flags_escalate(now=now)
    flag = services.flag_transition(flag=flag, to="acknowledged", actor=engineer)
    flag = services.flag_transition(flag=flag, to="resolved", actor=engineer, note="Fixed")
    flag = services.flag_transition(flag=flag, to="open", actor=engineer, note="Back")
    assert services.flags_escalate(now=timezone.now()) == 0  # reopened just now
    assert services.flags_escalate(now=timezone.now() + 4 * DAY) == 1
    assert FlagEscalation.objects.filter(flag=flag).count() == 3


def test_the_steps_are_a_setting(flag, settings):
    settings.FLAG_ESCALATION_DAYS = [1]
    opened = timezone.now() - 5 * DAY
    _open_since(flag, opened)
    assert services.flags_escalate(now=opened + DAY) == 0
    assert services.flags_escalate(now=opened + DAY + SECOND) == 1
    assert _steps(flag) == [1]


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_escalate_each_step_once():
    assert connection.vendor == "postgresql", "row locks need PostgreSQL (make test provides it)"
    project = ProjectFactory(product_manager=UserFactory())
    long_ago = timezone.now() - 8 * DAY
    flags = [FlagFactory(project=project, opened_at=long_ago) for _ in range(5)]
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            counts.append(services.flags_escalate())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(counts) == 10
    assert FlagEscalation.objects.count() == 10
    assert Activity.objects.filter(event=EventType.FLAG_ESCALATED).count() == 10
    for flag in flags:
        assert _steps(flag) == [3, 7]


@pytest.mark.django_db(transaction=True)
def test_the_beat_task_run_twice_on_the_real_worker_escalates_once(celery_worker):
    project = ProjectFactory(product_manager=UserFactory())
    flag = FlagFactory(project=project, opened_at=timezone.now() - 4 * DAY)
    first, second = flags_escalate.delay(), flags_escalate.delay()
    assert sorted([first.get(timeout=30), second.get(timeout=30)]) == [0, 1]
    assert _steps(flag) == [3]
    assert Activity.objects.filter(event=EventType.FLAG_ESCALATED, target_id=flag.pk).count() == 1
