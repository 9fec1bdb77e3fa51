"""Login is required everywhere; login, logout and password change work; API auth."""

import pytest
from django.urls import reverse

from accounts.models import ApiToken, Role
from accounts.services import api_token_create

from .factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["dashboard", "password_change", "admin:index"]


def test_root_redirects_anonymous_visitor_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
def test_pages_redirect_anonymous_visitors_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert "login" in response.url


@pytest.mark.parametrize("path", ["/api/v1/me/", "/api/schema/", "/api/docs/"])
def test_api_refuses_anonymous_requests(api_client, path):
    response = api_client.get(path)
    assert response.status_code in (401, 403)


def test_login_page_has_a_form(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"<form" in response.content
    assert b'name="username"' in response.content


def test_login_with_right_password_reaches_dashboard(client, member, password):
    response = client.post(
        reverse("login"), {"username": member.username, "password": password}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert response.context["user"] == member


def test_login_with_wrong_password_shows_an_error(client, member):
    response = client.post(reverse("login"), {"username": member.username, "password": "nope"})
    assert response.status_code == 200
    assert response.context["user"].is_anonymous
    assert b"correct username and password" in response.content


def test_logout_ends_the_session(client, member):
    client.force_login(member)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_password_change_takes_effect(client, member, password):
    client.force_login(member)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "a-brand-new-secret-42",
            "new_password2": "a-brand-new-secret-42",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("a-brand-new-secret-42")


def test_password_change_rejects_a_wrong_old_password_with_a_form_error(client, member):
    client.force_login(member)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "x-y-z-1234567",
            "new_password2": "x-y-z-1234567",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]


def test_me_returns_the_signed_in_person(api_as, manager):
    response = api_as(manager).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == manager.username
    assert response.json()["role"] == Role.MANAGER


def test_bearer_token_authenticates_the_api(api_client, member):
    _, key = api_token_create(user=member, name="job", actor=member)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == member.username


def test_a_bad_token_is_refused(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")
    assert api_client.get("/api/v1/me/").status_code == 401


def test_new_users_get_a_viewer_profile_and_superusers_an_admin_one():
    plain = UserFactory.build(username="plain")
    plain.save()
    assert plain.profile.role == Role.VIEWER
    from django.contrib.auth.models import User

    boss = User.objects.create_superuser("boss", "boss@example.com", "pw-123-long-enough")
    assert boss.profile.role == Role.ADMIN


def test_api_docs_and_schema_are_served_to_signed_in_people(client, viewer):
    client.force_login(viewer)
    assert client.get("/api/docs/").status_code == 200
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content


def test_a_person_creates_two_named_tokens_and_revokes_one(client, member, api_client):
    client.force_login(member)
    assert b"You have no token yet" in client.get(reverse("api-token")).content
    first_page = client.post(reverse("api-token"), {"name": "training job"})
    first = first_page.context["new_key"]
    second = client.post(reverse("api-token"), {"name": "chat bot"}).context["new_key"]
    assert first != second
    listing = client.get(reverse("api-token")).content.decode()
    assert "training job" in listing and "chat bot" in listing
    assert first not in listing and second not in listing  # a key is shown once only
    for key in (first, second):
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        assert api_client.get("/api/v1/me/").status_code == 200
    token = ApiToken.objects.get(user=member, name="training job")
    client.post(reverse("api-token-revoke", args=[token.pk]))
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {first}")
    assert api_client.get("/api/v1/me/").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {second}")
    assert api_client.get("/api/v1/me/").status_code == 200


def test_openapi_schema_generates_without_warnings(tmp_path):
    """An honest contract: every component named once, every error response documented."""
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/readings/" in (tmp_path / "schema.yml").read_text()


def test_api_rate_limit_answers_429_with_retry_after(api_as, member, monkeypatch):
    from core.api.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/day", "anon": "3/day"})
    api = api_as(member)
    statuses = [api.get("/api/v1/me/").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    limited = api.get("/api/v1/me/")
    assert int(limited["Retry-After"]) > 0


def test_unknown_api_urls_answer_json_404(api_as, viewer):
    response = api_as(viewer).get("/api/v1/ideas/1/move/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "/api/docs/" in response.json()["detail"]


def test_api_urls_without_the_trailing_slash_still_redirect(api_as, viewer):
    response = api_as(viewer).get("/api/v1/me")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/me/"
