"""Tasks really run on a Celery worker through the Redis broker."""

import pytest
from django.conf import settings

from core.tasks import system_ping

from .factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_a_task_runs_on_a_live_worker_through_redis(celery_worker):
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    UserFactory.create_batch(3)
    result = system_ping.delay()
    answer = result.get(timeout=30)
    # The worker is another process: it saw the committed rows in the same database.
    assert answer == {"database": "postgresql", "people": 3}
    assert result.successful()
