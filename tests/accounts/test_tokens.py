"""Personal API tokens: several named tokens per person, each key shown once and stored only
as a hash, last use written at most once a minute, expiry, revocation, the admin, the API,
the management command, and a bearer lookup that is one indexed query."""

import datetime
import hashlib
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiToken, hash_token_key
from accounts.services import LAST_USED_RESOLUTION, api_token_create, api_token_revoke
from activity.models import Activity, EventType
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def bearer(api_client, key: str):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api_client


def all_stored_text() -> str:
    """Every column of every token row, as PostgreSQL stores it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t::text FROM {ApiToken._meta.db_table} t")
        return "\n".join(row[0] for row in cursor.fetchall())


# --- several named tokens, key shown once, stored as a hash -------------------------------


def test_a_person_holds_several_named_tokens_each_stored_only_as_a_hash(member):
    first, first_key = api_token_create(user=member, name="training job", actor=member)
    second, second_key = api_token_create(user=member, name="chat bot", actor=member)
    assert first_key != second_key
    assert list(ApiToken.objects.filter(user=member).values_list("name", flat=True)) == [
        "chat bot",
        "training job",
    ]
    for token, key in ((first, first_key), (second, second_key)):
        token.refresh_from_db()
        assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
        assert token.prefix == key[:8] and key.startswith("tdm_")
        assert not hasattr(token, "key")
    stored = all_stored_text()
    assert first_key not in stored and second_key not in stored
    assert first_key[8:20] not in stored  # not even the secret part


def test_creating_and_revoking_a_token_are_recorded_in_the_activity_log(member):
    token, _ = api_token_create(user=member, name="job", actor=member)
    api_token_revoke(token=token, actor=member)
    api_token_revoke(token=token, actor=member)  # twice: changes nothing
    events = list(
        Activity.objects.filter(target_id=member.pk).order_by("id").values_list("event", "data")
    )
    assert events == [
        (EventType.TOKEN_CREATED, {"token": "job"}),
        (EventType.TOKEN_REVOKED, {"token": "job"}),
    ]


def test_a_deactivated_person_cannot_be_given_a_token(member):
    member.is_active = False
    member.save()
    with pytest.raises(ValidationError, match="deactivated"):
        api_token_create(user=member, name="job", actor=member)
    assert not ApiToken.objects.exists()


# --- last used, at most once a minute -------------------------------------------------------


class Clock:
    def __init__(self, now: datetime.datetime) -> None:
        self.now = now

    def __call__(self) -> datetime.datetime:
        return self.now


def _updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]


def test_last_used_is_written_at_most_once_a_minute(member, api_client, monkeypatch):
    _, key = api_token_create(user=member, name="job", actor=member)
    clock = Clock(timezone.now())
    monkeypatch.setattr("accounts.services.timezone.now", clock)
    api = bearer(api_client, key)
    started = clock.now

    with CaptureQueriesContext(connection) as first:
        assert api.get(ME).status_code == 200
    assert len(_updates(first.captured_queries)) == 1
    assert ApiToken.objects.get().last_used_at == started

    clock.now = started + LAST_USED_RESOLUTION - datetime.timedelta(seconds=1)
    with CaptureQueriesContext(connection) as second:
        assert api.get(ME).status_code == 200
    assert _updates(second.captured_queries) == []
    assert ApiToken.objects.get().last_used_at == started

    clock.now = started + LAST_USED_RESOLUTION
    with CaptureQueriesContext(connection) as third:
        assert api.get(ME).status_code == 200
    assert len(_updates(third.captured_queries)) == 1
    assert ApiToken.objects.get().last_used_at == started + LAST_USED_RESOLUTION


def test_the_resolution_is_one_minute():
    assert datetime.timedelta(minutes=1) == LAST_USED_RESOLUTION


# --- refused tokens -------------------------------------------------------------------------


def test_an_expired_token_is_refused_and_an_unexpired_one_accepted(member, api_client):
    token, key = api_token_create(
        user=member,
        name="soon",
        actor=member,
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    assert bearer(api_client, key).get(ME).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = bearer(api_client, key).get(ME)
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid, revoked or expired token."


def test_a_revoked_token_is_refused(member, api_client):
    token, key = api_token_create(user=member, name="job", actor=member)
    api_token_revoke(token=token, actor=member)
    assert bearer(api_client, key).get(ME).status_code == 401


def test_a_deactivated_persons_token_is_refused(member, api_client):
    _, key = api_token_create(user=member, name="job", actor=member)
    assert bearer(api_client, key).get(ME).status_code == 200
    member.is_active = False
    member.save()
    assert bearer(api_client, key).get(ME).status_code == 401


def test_an_unknown_token_is_refused(api_client):
    assert bearer(api_client, "tdm_" + "x" * 40).get(ME).status_code == 401


# --- one indexed query ----------------------------------------------------------------------


def test_key_hash_is_unique_and_indexed():
    field = ApiToken._meta.get_field("key_hash")
    assert field.unique and not field.editable
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, ApiToken._meta.db_table)
    # PostgreSQL backs a unique constraint with a unique index.
    assert any(c["columns"] == ["key_hash"] and c["unique"] for c in constraints.values())


def test_bearer_lookup_uses_the_key_hash_index():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned
    plan = ApiToken.objects.filter(key_hash="0" * 64).explain()
    assert "Index" in plan and "key_hash" in plan, plan


def test_a_token_authenticated_request_looks_the_token_up_in_one_query(
    member, api_client, django_assert_num_queries
):
    _, key = api_token_create(user=member, name="job", actor=member)
    api = bearer(api_client, key)
    assert api.get(ME).status_code == 200  # writes last_used_at: the next minute is quiet
    with django_assert_num_queries(1) as captured:
        response = api.get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == member.username
    sql = captured.captured_queries[0]["sql"]
    where = sql.split(" WHERE ", 1)[1]
    assert where.startswith(f'"accounts_apitoken"."key_hash" = \'{hash_token_key(key)}\'')
    assert "JOIN" in sql  # the person and profile come along


# --- the admin ------------------------------------------------------------------------------


def test_admins_see_everyones_tokens_but_never_a_key(client, admin_user, member, manager):
    keys = [
        api_token_create(user=member, name="member job", actor=member)[1],
        api_token_create(user=manager, name="manager bot", actor=manager)[1],
    ]
    client.force_login(admin_user)
    page = client.get("/admin/accounts/apitoken/").content.decode()
    assert "member job" in page and "manager bot" in page
    for key in keys:
        assert key not in page
        assert key[:8] in page  # the prefix tells them apart


def test_admins_revoke_tokens_with_the_admin_action(client, admin_user, member):
    token, _ = api_token_create(user=member, name="leaked", actor=member)
    kept, _ = api_token_create(user=member, name="kept", actor=member)
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    kept.refresh_from_db()
    assert token.revoked_at is not None and kept.revoked_at is None
    assert Activity.objects.filter(event=EventType.TOKEN_REVOKED, actor=admin_user).count() == 1


def test_nobody_adds_deletes_or_edits_tokens_in_the_admin(client, admin_user, member):
    token, _ = api_token_create(user=member, name="job", actor=member)
    client.force_login(admin_user)
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    assert client.post("/admin/accounts/apitoken/add/", {"name": "x"}).status_code == 403
    assert client.get(f"/admin/accounts/apitoken/{token.pk}/delete/").status_code == 403
    assert (
        client.post(f"/admin/accounts/apitoken/{token.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    client.post(
        "/admin/accounts/apitoken/", {"action": "delete_selected", "_selected_action": [token.pk]}
    )
    client.post(f"/admin/accounts/apitoken/{token.pk}/change/", {"name": "renamed"})
    token.refresh_from_db()
    assert token.name == "job" and token.revoked_at is None
    listing = client.get("/admin/accounts/apitoken/").content.decode()
    assert 'value="delete_selected"' not in listing
    assert 'value="revoke"' in listing


# --- the API --------------------------------------------------------------------------------


@pytest.mark.parametrize("auth", ["session", "token"])
def test_post_tokens_creates_one_and_answers_its_key_once(api_client, member, auth):
    if auth == "session":
        api_client.force_login(member)
    else:
        bearer(api_client, api_token_create(user=member, name="bootstrap", actor=member)[1])
    response = api_client.post("/api/v1/tokens/", {"name": "nightly"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    key = body["key"]
    assert body["name"] == "nightly" and body["prefix"] == key[:8]
    token = ApiToken.objects.get(pk=body["id"])
    assert token.user == member
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    listing = api_client.get("/api/v1/tokens/").json()
    assert all("key" not in row for row in listing["results"])
    assert key not in str(listing)
    assert api_client.get(f"/api/v1/tokens/{token.pk}/").status_code in (404, 405)
    other = bearer(type(api_client)(), key)
    assert other.get(ME).json()["username"] == member.username


def test_anonymous_cannot_create_tokens(api_client):
    assert api_client.post("/api/v1/tokens/", {"name": "x"}, format="json").status_code == 401
    assert not ApiToken.objects.exists()


def test_get_tokens_lists_only_your_own_without_keys(api_as, member, manager):
    api_token_create(user=member, name="mine", actor=member)
    api_token_create(user=manager, name="theirs", actor=manager)
    rows = api_as(member).get("/api/v1/tokens/").json()["results"]
    assert [row["name"] for row in rows] == ["mine"]
    assert set(rows[0]) == {
        "id",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    }


def test_delete_revokes_your_own_token(api_as, member, api_client):
    token, key = api_token_create(user=member, name="job", actor=member)
    assert api_as(member).delete(f"/api/v1/tokens/{token.pk}/").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiToken.objects.filter(pk=token.pk).exists()  # revoked, kept for the record
    assert bearer(api_client, key).get(ME).status_code == 401


def test_delete_of_someone_elses_token_is_a_403_with_the_reason(api_as, member, manager):
    token, _ = api_token_create(user=manager, name="theirs", actor=manager)
    response = api_as(member).delete(f"/api/v1/tokens/{token.pk}/")
    assert response.status_code == 403
    assert response.json() == {"detail": "You can only revoke your own API tokens."}
    token.refresh_from_db()
    assert token.revoked_at is None


def test_admins_revoke_anyones_token_through_the_api(api_as, admin_user, member):
    token, _ = api_token_create(user=member, name="job", actor=member)
    assert api_as(admin_user).delete(f"/api/v1/tokens/{token.pk}/").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_past_expiry_is_a_field_error(api_as, member):
    past = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    response = api_as(member).post(
        "/api/v1/tokens/", {"name": "x", "expires_at": past}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"expires_at": ["Choose a time in the future."]}


# --- manage.py create_api_token ---------------------------------------------------------------


def test_create_api_token_prints_only_the_key(member, api_client):
    out = StringIO()
    call_command("create_api_token", member.username, "--name", "ci", stdout=out)
    key = out.getvalue().strip()
    assert out.getvalue() == key + "\n"
    token = ApiToken.objects.get(user=member)
    assert token.name == "ci" and token.expires_at is None
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert bearer(api_client, key).get(ME).status_code == 200


def test_create_api_token_sets_an_expiry_in_days(member):
    out = StringIO()
    before = timezone.now()
    call_command(
        "create_api_token", member.username, "--name", "ci", "--expires-days", "7", stdout=out
    )
    token = ApiToken.objects.get(user=member)
    assert before + datetime.timedelta(days=7) <= token.expires_at
    assert token.expires_at <= timezone.now() + datetime.timedelta(days=7)


def test_create_api_token_refuses_an_unknown_user_clearly():
    with pytest.raises(CommandError, match=r"No user named “ghost”\."):
        call_command("create_api_token", "ghost", "--name", "ci", stdout=StringIO())
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--name", "ci", "--expires-days", "0"], "Choose a time in the future."),
        (["--name", ""], "This field cannot be blank."),
        ([], "--name"),
    ],
)
def test_create_api_token_refuses_bad_arguments(member, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_api_token", member.username, *args, stdout=StringIO())
    assert not ApiToken.objects.exists()


def test_create_api_token_refuses_a_deactivated_user():
    UserFactory(username="gone", is_active=False)
    with pytest.raises(CommandError, match="deactivated"):
        call_command("create_api_token", "gone", "--name", "ci", stdout=StringIO())
