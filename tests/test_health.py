"""GET /healthz reports the database and the broker."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_healthz_is_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["database"]["vendor"] == settings.DATABASES["default"]["ENGINE"].rsplit(".")[-1]
    assert body["broker"]["status"] == "ok"
    if settings.REDIS_URL:
        assert body["broker"]["mode"] == "redis"


def _healthz_in_subprocess(**env_overrides: str) -> tuple[int, dict]:
    """Serve /healthz in a separate process whose settings point at a given service URL."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'code': r.status_code, 'body': r.json()}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "true"}
    env.update(env_overrides)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded["code"], loaded["body"]


def test_healthz_is_503_when_the_database_is_unreachable():
    # Port 9 (discard) has nothing listening here: the connection is refused at once.
    code, body = _healthz_in_subprocess(DATABASE_URL="postgres://postgres@127.0.0.1:9/tandem")
    assert code == 503
    assert body["status"] == "unavailable"
    assert body["database"]["status"] == "down"
    assert "error" in body["database"]
    # Only the exception's class: no host, port or driver message for anonymous visitors.
    assert body["database"]["error"].isidentifier()
    assert "127.0.0.1" not in json.dumps(body)


def test_healthz_is_503_when_the_broker_is_unreachable():
    code, body = _healthz_in_subprocess(REDIS_URL="redis://127.0.0.1:9/0")
    assert code == 503
    assert body["broker"]["status"] == "down"
    assert body["broker"]["error"].isidentifier()
    assert "127.0.0.1" not in json.dumps(body)


def test_a_failing_check_is_logged_with_its_detail(caplog):
    from core.health import _timed

    def check():
        raise ConnectionError("secret-host:5432 refused")

    result = _timed(check)
    assert result == {"status": "down", "error": "ConnectionError"}
    record = next(r for r in caplog.records if r.name == "core.health")
    assert record.levelname == "WARNING"
    assert "secret-host" in str(record.exc_info[1])
