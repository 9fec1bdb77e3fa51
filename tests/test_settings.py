"""Settings load from the environment both ways: embedded default and real services."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent

PROBE = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"],
    "email": settings.EMAIL_BACKEND,
    "debug": settings.DEBUG,
}))
"""

CONFIG_VARS = ("DATABASE_URL", "REDIS_URL", "EMAIL_HOST", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")


def load_settings(**overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **overrides)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


def test_embedded_default_uses_sqlite_eager_tasks_locmem_cache_and_console_email():
    result = load_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["db_name"].endswith("db.sqlite3")
    assert loaded["eager"] is True
    assert loaded["cache"].endswith("LocMemCache")
    assert loaded["email"].endswith("console.EmailBackend")


def test_service_urls_switch_to_postgresql_redis_and_smtp():
    result = load_settings(
        DEBUG="true",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/tandem",
        REDIS_URL="redis://127.0.0.1:6379/3",
        EMAIL_HOST="127.0.0.1",
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["db_name"] == "tandem"
    assert loaded["eager"] is False
    assert loaded["broker"] == "redis://127.0.0.1:6379/3"
    assert loaded["cache"].endswith("RedisCache")
    assert loaded["email"].endswith("smtp.EmailBackend")


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"ALLOWED_HOSTS": "tandem.example.com"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_secret_key_or_allowed_hosts(env, missing):
    result = load_settings(DEBUG="false", **env)
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr


def test_production_starts_with_secret_key_and_allowed_hosts():
    result = load_settings(DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="tandem.example.com")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False


def test_ci_runs_on_postgresql_and_redis():
    """In CI the suite must never fall back to SQLite or eager tasks."""
    vendor = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database vendor: {vendor}")
    if os.environ.get("CI") == "true":
        assert vendor == "postgresql"
        assert settings.REDIS_URL
        assert settings.CELERY_TASK_ALWAYS_EAGER is False


def test_production_collectstatic_builds_the_manifest(tmp_path):
    """whitenoise's manifest storage must resolve every vendored asset's references."""
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="tandem.example.com",
        STATIC_ROOT=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()
