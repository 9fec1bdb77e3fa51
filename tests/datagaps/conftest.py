"""Fixtures of the data-gaps tests: people in each role that matters here."""

import pytest

from accounts.models import Discipline, Role
from tests.factories import ProjectFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories hash a password per user; the default hasher costs most of a second here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def scientist(db):
    return UserFactory(username="ds-sam", role=Role.MEMBER, discipline=Discipline.DATA_SCIENTIST)


@pytest.fixture
def other_scientist(db):
    return UserFactory(username="ds-ana", role=Role.MEMBER, discipline=Discipline.DATA_SCIENTIST)


@pytest.fixture
def dataeng(db):
    return UserFactory(username="de-dana", role=Role.MEMBER, discipline=Discipline.DATA_ENGINEER)


@pytest.fixture
def viewer_engineer(db):
    """A data engineer with the viewer role: reads only."""
    return UserFactory(username="de-vic", role=Role.VIEWER, discipline=Discipline.DATA_ENGINEER)


@pytest.fixture
def project(db):
    return ProjectFactory(name="Churn radar", slug="churn-radar")
