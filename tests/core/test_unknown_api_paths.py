"""Unknown paths under /api/ answer a JSON 404 whatever the method, the trailing slash or
the session: integrations parse JSON, and a POST to a typo must not meet the CSRF page."""

import pytest
from django.test import Client

from tests.factories import UserFactory

UNKNOWN = ["/api/v1/nope/", "/api/v1/nope", "/api/v2/x/", "/api/v2/x", "/api/v1/projects/1/nope"]
METHODS = ["get", "post", "put", "patch", "delete"]


def _send(client: Client, method: str, path: str):
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, data="{}", content_type="application/json")


def _assert_json_404(response, path: str) -> None:
    assert response.status_code == 404, (path, response.status_code, response.get("Location"))
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert path in body["detail"]
    assert "/api/docs/" in body["detail"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", UNKNOWN)
def test_anonymous_writes_to_unknown_api_paths_are_json_404s(db, method, path):
    client = Client(enforce_csrf_checks=True)
    _assert_json_404(_send(client, method, path), path)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", UNKNOWN)
def test_signed_in_session_writes_to_unknown_api_paths_are_json_404s(db, method, path):
    """A session cookie arms the CSRF check; the unknown path still answers 404, not 403."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="csrf-probe"))
    _assert_json_404(_send(client, method, path), path)


def test_known_endpoint_without_its_slash_still_redirects_a_get(db):
    client = Client()
    client.force_login(UserFactory(username="slash-probe"))
    response = client.get("/api/v1/me")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/me/"


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_a_write_to_a_known_endpoint_without_its_slash_is_a_json_404_naming_the_slash(db, method):
    """APPEND_SLASH cannot redirect a write (the body would be lost): say where to send it."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="slash-writer"))
    response = getattr(client, method)("/api/v1/tokens", data="{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "/api/v1/tokens/" in response.json()["detail"]


def test_real_endpoints_still_check_csrf_for_a_session(db):
    """The JSON 404 is only for unknown paths: a known endpoint keeps DRF's CSRF check."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="csrf-real"))
    response = client.post("/api/v1/tokens/", data={"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.django_db
def test_the_api_root_lists_every_apps_resources(member):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(member)
    listed = api.get("/api/v1/").json()
    for name in ("people", "tokens", "activity", "projects", "rotations", "ideas", "readings"):
        assert name in listed, name
