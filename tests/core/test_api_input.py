"""The API takes JSON only, bounded in size and depth, on every write endpoint.

Each case was once a 500, a garbled record or an HTML answer to an API client.
"""

import json

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from projects.models import Project
from tests.factories import IdeaFactory, MetricFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def writes(manager):
    """One of each kind of write: create, update, transition, bulk, token."""
    project = ProjectFactory()
    idea = IdeaFactory(board__project=project, owner=manager)
    metric = MetricFactory(board=idea.board)
    return {
        "create project": ("post", "/api/v1/projects/"),
        "update project": ("patch", f"/api/v1/projects/{project.pk}/"),
        "move phase": ("post", f"/api/v1/projects/{project.pk}/phase/"),
        "bulk readings": ("post", "/api/v1/readings/"),
        "create idea": ("post", "/api/v1/ideas/"),
        "create token": ("post", "/api/v1/tokens/"),
        "_ids": (idea.pk, metric.pk),
    }


@pytest.fixture
def api(manager) -> APIClient:
    client = APIClient()
    client.force_authenticate(manager)
    return client


KINDS = ["create project", "update project", "move phase", "bulk readings", "create idea",
         "create token"]  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
def test_a_form_body_is_refused_with_415_and_nothing_is_written(api, writes, kind):
    method, url = writes[kind]
    before = Project.objects.count()
    response = getattr(api, method)(
        url, "name=x&to=prototype", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415, response.content
    detail = json.dumps(response.json())
    assert 'Unsupported media type \\"application/x-www-form-urlencoded\\"' in detail, detail
    assert Project.objects.count() == before


@pytest.mark.parametrize("kind", KINDS)
def test_json_nested_938_levels_is_a_400_not_a_500(api, writes, kind):
    method, url = writes[kind]
    body = "[" * 938 + "]" * 938
    response = getattr(api, method)(url, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "nested more than 32 levels" in json.dumps(response.json())


@pytest.mark.parametrize("depth", [32, 33])
def test_the_depth_limit_is_32_levels(api, writes, depth):
    method, url = writes["create project"]
    body = '{"name": "Deep", "summary": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"
    response = getattr(api, method)(url, body, content_type="application/json")
    detail = json.dumps(response.json())
    if depth <= 32:
        assert "nested" not in detail  # parsed; the field itself may be refused
    else:
        assert response.status_code == 400 and "nested" in detail


def test_invalid_utf8_in_a_json_body_is_a_400(api, writes):
    method, url = writes["create project"]
    response = getattr(api, method)(url, b'{"name": "caf\xe9"}', content_type="application/json")
    assert response.status_code == 400
    assert not Project.objects.filter(name__startswith="caf").exists()


def test_a_body_over_the_limit_is_a_413_json_answer(api, writes, settings):
    settings.API_MAX_BODY_BYTES = 10_000
    method, url = writes["bulk readings"]
    idea, metric = writes["_ids"]
    item = {"idea": idea, "metric": metric, "value": 1.0, "note": "n" * 400}
    body = json.dumps([item] * 30)
    assert len(body) > 10_000
    response = getattr(api, method)(url, body, content_type="application/json")
    assert response.status_code == 413
    assert "smaller batches" in response.json()["detail"]


def test_the_documented_maximum_batch_fits_under_the_default_limit():
    """10,000 readings, each with a full 500-character note and a 100-character source."""
    item = {
        "idea": 2**62,
        "metric": 2**62,
        "value": -123456789.123456789,
        "recorded_at": "2026-11-20T10:00:00.123456+00:00",
        "note": "é" * 500,
        "source": "s" * 100,
    }
    body = json.dumps([item] * 10_000, ensure_ascii=False).encode()
    assert len(body) <= settings.API_MAX_BODY_BYTES


def test_the_documented_maximum_batch_is_accepted(api, writes):
    """10,000 readings with full 500-character notes, posted for real: 201, all stored."""
    from research.models import Reading

    method, url = writes["bulk readings"]
    idea, metric = writes["_ids"]
    item = {"idea": idea, "metric": metric, "value": 0.5, "note": "é" * 500, "source": "s" * 100}
    body = json.dumps([item] * 10_000, ensure_ascii=False).encode()
    assert len(body) > 6_000_000
    response = getattr(api, method)(url, body, content_type="application/json")
    assert response.status_code == 201, response.content[:500]
    assert Reading.objects.filter(idea_id=idea).count() == 10_000
