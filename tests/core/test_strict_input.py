"""Input of the wrong JSON type is a 400 with a field message, never silently converted."""

import pytest
from rest_framework.test import APIClient

from projects.models import Project, Takeaway

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(manager) -> APIClient:
    client = APIClient()
    client.force_authenticate(manager)
    return client


@pytest.mark.parametrize("tags", [[0], [True], [{"a": 1}], "a,b"])
def test_takeaway_tags_must_be_a_list_of_text(api, tags):
    body = {"title": "T", "text": "Learned", "tags": tags}
    response = api.post("/api/v1/takeaways/", body, format="json")
    assert response.status_code == 400, response.content
    assert "tags" in response.json()
    assert not Takeaway.objects.exists()


def test_takeaway_tags_as_text_items_are_fine(api):
    body = {"title": "T", "text": "Learned", "tags": ["leakage", "features"]}
    assert api.post("/api/v1/takeaways/", body, format="json").status_code == 201


@pytest.mark.parametrize("members", [{}, [True], ["1"], 3])
def test_project_members_must_be_a_list_of_ids(api, members):
    body = {"name": "Typed", "members": members}
    response = api.post("/api/v1/projects/", body, format="json")
    assert response.status_code == 400, response.content
    assert "members" in response.json()
    assert not Project.objects.filter(name="Typed").exists()


def test_project_name_must_be_text(api):
    response = api.post("/api/v1/projects/", {"name": 7}, format="json")
    assert response.status_code == 400
    assert response.json()["name"] == ["Enter text."]
