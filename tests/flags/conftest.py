"""Fixtures of the flags slice's tests: people by discipline, a project in prototype and an
open flag on it raised through the service."""

import pytest

from accounts.models import Discipline, Role
from flags import services
from projects.models import Phase
from tests.factories import BoardFactory, IdeaFactory, ProjectFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def scientist(db):
    return UserFactory(username="sci", role=Role.MEMBER, discipline=Discipline.DATA_SCIENTIST)


@pytest.fixture
def engineer(db):
    return UserFactory(username="eng", role=Role.MEMBER, discipline=Discipline.SOFTWARE_ENGINEER)


@pytest.fixture
def owner(db):
    """A data scientist who owns the flag (not an engineer: ownership alone lets them act)."""
    return UserFactory(username="own", role=Role.MEMBER, discipline=Discipline.DATA_SCIENTIST)


@pytest.fixture
def bystander(db):
    """A member scientist with no part in the flag."""
    return UserFactory(username="other", role=Role.MEMBER, discipline=Discipline.DATA_SCIENTIST)


@pytest.fixture
def project(db, manager):
    return ProjectFactory(
        name="Churn radar", slug="churn-radar", phase=Phase.PROTOTYPE, product_manager=manager
    )


@pytest.fixture
def idea(project):
    return IdeaFactory(board=BoardFactory(project=project), title="Sequence model")


@pytest.fixture
def flag(project, scientist, owner):
    return services.flag_raise(
        project=project,
        title="Needs a clickstream feed",
        actor=scientist,
        owner=owner,
        kind="data_pipeline",
        severity="high",
    )


@pytest.fixture
def raise_flag(project, scientist):
    """``raise_flag(**fields)``: a flag on ``project`` raised by the scientist."""

    def make(**fields):
        fields.setdefault("title", "A dependency")
        fields.setdefault("project", project)
        fields.setdefault("actor", scientist)
        return services.flag_raise(**fields)

    return make
