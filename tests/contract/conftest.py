"""A live Tandem for the contract tests: demo data, a member and an admin with API tokens.

The server is pytest-django's ``live_server`` (a threaded WSGI server in this process) on
the real PostgreSQL test database; the data is committed (``transactional_db``) so that its
request threads see it. The API throttles are opened wide here: the fuzzer sends thousands of
requests a minute from one address, and the throttles have tests of their own
(``tests/core/test_throttling.py``).
"""

import io
import json
import urllib.request
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from accounts.models import Role
from accounts.services import api_token_create
from core.api import throttling


@dataclass
class LiveApi:
    url: str  # the server's root, no trailing slash
    schema_url: str
    tokens: dict[str, str]  # "member" / "admin" -> bearer token

    def get_schema(self, token: str) -> dict:
        request = urllib.request.Request(
            f"{self.schema_url}?format=json", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            return json.loads(response.read())


@pytest.fixture
def live_api(live_server, transactional_db, settings, monkeypatch) -> LiveApi:
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql", (
        "The contract tests run against PostgreSQL (make test sets DATABASE_URL)."
    )
    unlimited = "1000000/second"
    monkeypatch.setattr(
        throttling._BucketThrottle,
        "THROTTLE_RATES",
        {"user": unlimited, "anon": unlimited, "failed-token": unlimited},
    )
    settings.API_THROTTLE_BURST = 1_000_000
    call_command("seed_demo", stdout=io.StringIO())
    tokens = {}
    for kind, role in (("member", Role.MEMBER), ("admin", Role.ADMIN)):
        person = User.objects.filter(profile__role=role, is_active=True).order_by("pk").first()
        assert person is not None, f"the demo data has no active {kind}"
        _, tokens[kind] = api_token_create(user=person, name=f"contract-{kind}", actor=person)
    return LiveApi(
        url=live_server.url.rstrip("/"),
        schema_url=f"{live_server.url.rstrip('/')}/api/schema/",
        tokens=tokens,
    )
