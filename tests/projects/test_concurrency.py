"""Row locks on real PostgreSQL: two managers booking one person at once cannot both win."""

import datetime
import threading

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection

from projects import services
from projects.models import Project, Rotation
from tests.factories import ProjectFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_rotations_only_one_is_saved():
    # make test always runs on PostgreSQL; this test must run, never skip.
    assert connection.vendor == "postgresql", "row locks need PostgreSQL (make test provides it)"
    manager_id = UserFactory(role="manager").pk
    person_id = UserFactory().pk
    project_id = ProjectFactory().pk
    start = datetime.date.today()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def book(offset: int) -> None:
        try:
            manager = User.objects.select_related("profile").get(pk=manager_id)
            barrier.wait(timeout=10)
            services.rotation_create(
                actor=manager,
                project=Project.objects.get(pk=project_id),
                person=User.objects.get(pk=person_id),
                role="DS",
                start=start + datetime.timedelta(days=offset),
                planned_end=start + datetime.timedelta(days=30),
            )
            outcomes.append("saved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(offset,)) for offset in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "saved"]
    assert Rotation.objects.filter(person_id=person_id).count() == 1
