"""Fixtures of the integrations tests: a board with metrics, a scientist's idea, tokens."""

import pytest

from accounts.models import Role
from accounts.services import api_token_create
from research.models import Direction
from tests.factories import BoardFactory, IdeaFactory, MetricFactory, ProjectFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def scientist(db):
    return UserFactory(username="sci", role=Role.MEMBER)


@pytest.fixture
def board(db):
    project = ProjectFactory(name="Churn radar", slug="churn-radar")
    board = BoardFactory(project=project, title="Predict churn")
    loss = MetricFactory(board=board, name="loss", direction=Direction.LOWER, baseline=0.5)
    MetricFactory(board=board, name="auc", baseline=0.80)
    board.primary_metric = loss
    board.save(update_fields=["primary_metric"])
    return board


@pytest.fixture
def idea(board, scientist):
    return IdeaFactory(board=board, owner=scientist, title="Gradient boosting")


@pytest.fixture
def token_for():
    def make(user) -> str:
        _, key = api_token_create(user=user, name="training job", actor=user)
        return key

    return make


@pytest.fixture
def mlflow_call(client, token_for):
    """``mlflow_call(user, "runs/create", {...}, method="POST")`` through the test client:
    (status, JSON)."""
    keys = {}

    def call(user, path, data=None, method="POST"):
        if user not in keys:
            keys[user] = token_for(user)
        url = f"/mlflow/api/2.0/mlflow/{path}"
        headers = {"HTTP_AUTHORIZATION": f"Bearer {keys[user]}"}
        if method == "GET":
            response = client.get(url, data or {}, **headers)
        else:
            import json

            response = client.generic(
                method, url, json.dumps(data or {}), content_type="application/json", **headers
            )
        return response.status_code, response.json()

    return call
