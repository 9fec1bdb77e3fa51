"""Sign-in lockout (django-axes through core.signin), posted through the real login forms.

Rules pinned here: 5 wrong passwords in a row lock an account (from any address), 20 from
one address lock that address (over any usernames), for 15 minutes from the failure that
completed the lock; the person locked out gets a 429 page saying so and how many minutes
are left; a successful sign-in clears the account's failures but not the address's.
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-123"
HERE, ELSEWHERE = "10.0.0.1", "10.0.0.2"


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Every wrong username still costs a full password hash (timing equalisation).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(username: str, password: str, address: str = HERE, url: str | None = None):
    """POST the login form from ``address`` with a fresh browser; returns the response."""
    client = Client()
    response = client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )
    response.signed_in = "_auth_user_id" in client.session
    return response


def fail(username: str, times: int, address: str = HERE, url: str | None = None) -> list[int]:
    return [sign_in(username, "wrong", address, url).status_code for _ in range(times)]


def move_clock(minutes: float) -> None:
    """Pretend every recorded failure happened ``minutes`` earlier."""
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes)
    )


def assert_locked(response, minutes: int) -> None:
    assert response.status_code == 429
    assert not response.signed_in
    body = response.content.decode()
    assert "Sign-in locked" in body
    assert f"Try again in {minutes} minute" in body
    assert "Skip to content" in body  # our base template
    assert minutes * 60 - 60 < int(response["Retry-After"]) <= minutes * 60


def test_four_wrong_passwords_are_answered_and_the_right_one_then_works(member):
    assert fail(member.username, 4) == [200, 200, 200, 200]
    assert sign_in(member.username, PASSWORD).signed_in


def test_fifth_wrong_password_locks_the_account_and_the_right_one_is_refused(member):
    assert fail(member.username, 5) == [200, 200, 200, 200, 429]
    assert_locked(sign_in(member.username, PASSWORD), minutes=15)


def test_thirty_wrong_passwords_are_not_all_answered_normally(member):
    statuses = fail(member.username, 30)
    assert statuses == [200] * 4 + [429] * 26
    assert_locked(sign_in(member.username, PASSWORD), minutes=15)


def test_a_locked_account_stays_locked_from_another_address(member):
    fail(member.username, 5, address=HERE)
    assert_locked(sign_in(member.username, PASSWORD, address=ELSEWHERE), minutes=15)


def test_other_accounts_from_another_address_are_unaffected(member, manager):
    fail(member.username, 5, address=HERE)
    assert sign_in(manager.username, PASSWORD, address=ELSEWHERE).signed_in


def test_retrying_while_locked_does_not_extend_the_lock(member):
    fail(member.username, 5)
    move_clock(10)
    fail(member.username, 3)  # refused while locked, and not counted
    assert_locked(sign_in(member.username, PASSWORD), minutes=5)


def test_the_lock_ends_fifteen_minutes_after_the_last_failure(member):
    fail(member.username, 5)
    move_clock(14)
    assert_locked(sign_in(member.username, PASSWORD), minutes=1)
    move_clock(1.01)
    assert sign_in(member.username, PASSWORD).signed_in


def test_axes_reset_command_lifts_the_lock(member):
    fail(member.username, 5)
    call_command("axes_reset")
    assert sign_in(member.username, PASSWORD).signed_in


def test_success_clears_the_accounts_failures(member):
    fail(member.username, 4)
    assert sign_in(member.username, PASSWORD).signed_in
    assert fail(member.username, 4) == [200] * 4
    assert sign_in(member.username, PASSWORD).signed_in


def test_admin_login_is_locked_too(db):
    staff = UserFactory(username="staff", role=Role.ADMIN, is_staff=True, is_superuser=True)
    admin_login = reverse("admin:login")
    assert fail(staff.username, 5, url=admin_login) == [200, 200, 200, 200, 429]
    assert_locked(sign_in(staff.username, PASSWORD, url=admin_login), minutes=15)
    # ... and the lock holds on the other form as well.
    assert_locked(sign_in(staff.username, PASSWORD), minutes=15)


def test_an_address_is_locked_after_twenty_failures_over_different_usernames(member, manager):
    for n in range(19):
        assert sign_in(f"guess-{n}", "wrong").status_code == 200
    # Nineteen: still open, and a success does not clear the address's count.
    assert sign_in(member.username, PASSWORD).signed_in
    assert sign_in("guess-19", "wrong").status_code == 429
    assert_locked(sign_in(manager.username, PASSWORD), minutes=15)
    # The same person from another address is not locked.
    assert sign_in(manager.username, PASSWORD, address=ELSEWHERE).signed_in


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(settings, member):
    forged = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    for n in range(20):
        Client().post(reverse("login"), {"username": f"g{n}", "password": "x"}, **forged)
    # Without a trusted proxy the header is the caller's own words: the socket address
    # (127.0.0.1) is what got locked.
    response = Client().post(reverse("login"), {"username": member.username, "password": PASSWORD})
    assert response.status_code == 429


def test_a_trusted_proxy_names_the_caller(settings, member):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(20):
        Client().post(
            reverse("login"),
            {"username": f"g{n}", "password": "x"},
            HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9",
        )
    locked = Client().post(
        reverse("login"),
        {"username": member.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert locked.status_code == 429
    other = Client().post(
        reverse("login"),
        {"username": member.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.1",
    )
    assert other.status_code == 302
