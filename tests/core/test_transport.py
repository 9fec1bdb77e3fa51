"""Transport and browser security: the deploy check passes in production configuration, and
every response carries the headers it should (and only those it should)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# The README's "Running in production" environment.
PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "tandem.example.com",
    "DATABASE_URL": "postgres://tandem:secret@db:5432/tandem",
    "REDIS_URL": "redis://redis:6379/0",
    "EMAIL_HOST": "smtp.example.com",
    "SITE_URL": "https://tandem.example.com",
}


def run(args: list[str], **overrides: str) -> subprocess.CompletedProcess:
    # Only what a process needs to start: nothing another test put in the environment leaks in.
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", **PRODUCTION, **overrides})
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


def deploy_check(**overrides: str) -> subprocess.CompletedProcess:
    return run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **overrides)


def test_deploy_check_passes_in_the_production_configuration():
    result = deploy_check()
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("opt_out", "warning"),
    [
        ({"SECURE_SSL_REDIRECT": "false"}, "security.W008"),
        ({"SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"SECURE_COOKIES": "false"}, "security.W012"),
    ],
)
def test_each_opt_out_is_reported_by_the_deploy_check(opt_out, warning):
    """The defaults are what makes the check pass: turning one off is reported."""
    result = deploy_check(**opt_out)
    assert result.returncode != 0
    assert warning in result.stderr


PREFIX_PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.CACHE_KEY_PREFIX, s.CACHES['default']['KEY_PREFIX']]))"
)


def cache_prefixes(**overrides: str) -> list[str]:
    result = run(["-c", PREFIX_PROBE], DEBUG="true", **overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_cache_key_prefix_comes_from_the_database_unless_set():
    one = cache_prefixes(DATABASE_URL="postgres://u@db-a:5432/tandem")
    other = cache_prefixes(DATABASE_URL="postgres://u@db-b:5432/tandem")
    assert one == ["tandem-db-a-5432-tandem"] * 2
    assert other == ["tandem-db-b-5432-tandem"] * 2
    assert cache_prefixes(CACHE_KEY_PREFIX="acme-tandem") == ["acme-tandem"] * 2


PROXY_PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps(getattr(s, 'SECURE_PROXY_SSL_HEADER', None)))"
)


@pytest.mark.parametrize(
    ("proxies", "header"), [("0", None), ("1", ["HTTP_X_FORWARDED_PROTO", "https"])]
)
def test_the_https_forwarding_header_is_trusted_only_behind_a_declared_proxy(proxies, header):
    """Without a proxy a client could send ``X-Forwarded-Proto: https`` and skip the redirect."""
    result = run(["-c", PROXY_PROBE], TRUSTED_PROXY_COUNT=proxies)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == header


def assert_private(response) -> None:
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert "public" not in cache_control


def assert_policies(response) -> None:
    directives = (
        part.strip().partition(" ") for part in response["Content-Security-Policy"].split(";")
    )
    csp = {name: value for name, _, value in directives}
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["default-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in policy


def test_a_signed_in_page_is_private_and_carries_the_policies(client, member):
    client.force_login(member)
    response = client.get("/")
    assert response.status_code == 200
    assert_private(response)
    assert_policies(response)
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_api_answers_are_private_signed_in_or_not(member):
    api = APIClient()
    assert_private(api.get("/api/v1/me/"))  # the 401
    api.force_authenticate(member)
    response = api.get("/api/v1/me/")
    assert response.status_code == 200
    assert_private(response)
    assert "camera=()" in response["Permissions-Policy"]


def test_static_files_keep_public_caching(client, member):
    client.force_login(member)
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "private" not in response.get("Cache-Control", "")


def test_the_health_check_is_not_redirected_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    health = client.get("/healthz")
    assert health.status_code == 200
    assert "camera=()" in health["Permissions-Policy"]
    assert client.get("/accounts/login/").status_code == 301  # everything else goes to https


def test_signed_out_pages_are_not_marked_private_by_us(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert "no-store" not in response.get("Cache-Control", "")
    assert "camera=()" in response["Permissions-Policy"]


def test_the_ui_has_no_inline_scripts_or_handlers_in_our_templates():
    """Only <script src=...> and no on*= handlers: the CSP would block anything else."""
    import re

    offenders = []
    for path in (BASE_DIR / "templates").rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0) and 'type="application/json"' not in match.group(0):
                offenders.append(f"{path.relative_to(BASE_DIR)}: {match.group(0)}")
        for match in re.finditer(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path.relative_to(BASE_DIR)}: {match.group(0).strip()}")
    assert not offenders, offenders


def test_settings_have_no_inline_allowance_for_scripts():
    directives = django_settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
