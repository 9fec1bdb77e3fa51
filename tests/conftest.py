"""Shared fixtures, and the test-only overrides of the settings.

The suite runs against the real services that ``make test`` provides: PostgreSQL
(``DATABASE_URL``), Redis (``REDIS_URL``), a Celery worker started here, an SMTP server
started here, and Chromium for the browser tests.
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Role

from .factories import UserFactory
from .processes import free_port, stop

BASE_DIR = Path(__file__).resolve().parent.parent


def pytest_report_header(config) -> list[str]:
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.REDIS_URL or "none (eager tasks)"
    return [f"tandem: database vendor {engine}, broker {broker}"]


def _xdist_worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _namespace() -> str:
    """A name unique to this test process: checkouts sharing one Redis must not collide."""
    return f"tandem-test-{settings.DATABASES['default']['NAME']}-{_xdist_worker()}".replace(
        "/", "_"
    )


# Each test process gets its own cache namespace and task queue on the shared Redis, so
# parallel workers (and other checkouts) never see each other's keys or tasks.
if settings.REDIS_URL:
    settings.CACHES["default"]["KEY_PREFIX"] = _namespace()

# Tests see every write at once; tests/research/test_cache.py turns the list cache on.
settings.IDEA_LIST_CACHE_SECONDS = 0


@pytest.fixture(scope="session", autouse=True)
def _fresh_cache_namespace():
    """Start each run with this process's cache keys gone (throttle counters, stamps).

    Test databases restart their id sequences every run, so a counter left by an earlier
    run would otherwise be counted against today's user with the same id.
    """
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        stale = list(client.scan_iter(match=f"{_namespace()}:*", count=1000))
        if stale:
            client.delete(*stale)
        client.close()


@pytest.fixture
def password() -> str:
    return "pw-for-tests-123"


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer-user", role=Role.VIEWER)


@pytest.fixture
def member(db):
    return UserFactory(username="member-user", role=Role.MEMBER)


@pytest.fixture
def manager(db):
    return UserFactory(username="manager-user", role=Role.MANAGER)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin-user", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as():
    """``api_as(user)``: an API client logged in as ``user``."""

    def make(user) -> APIClient:
        api = APIClient()
        api.force_authenticate(user)
        return api

    return make


def _database_url(db: dict) -> str:
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail(
            "The Celery worker needs a shared database: run the suite on PostgreSQL "
            "(make test sets DATABASE_URL)."
        )
    credentials = quote(db["USER"] or "postgres")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class _Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        from email import message_from_bytes

        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted"

    def wait_for(self, count: int, timeout: float = 30) -> list:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server on 127.0.0.1 (a free port per test process)."""
    from aiosmtpd.controller import Controller

    port = free_port()
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.host, inbox.port = "127.0.0.1", port
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_inbox(smtp_server, settings):
    """The SMTP server, emptied, with this process's Django email going to it too."""
    smtp_server.messages.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.host, smtp_server.port
    return smtp_server


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, smtp_server):
    """A real Celery worker process consuming this test session's queue on Redis.

    It uses the test database, so tests that need it must commit their data
    (``transactional_db``) for the worker to see it; its email goes to ``smtp_server``.
    """
    from config.celery import app

    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL is not set: the Celery tests need a real Redis broker (make test).")
    queue = _namespace()
    app.conf.task_default_queue = queue
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)  # leftovers of an interrupted earlier run
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "CELERY_QUEUE": queue,
        "DEBUG": "true",
        # The worker's email goes to this session's SMTP server.
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
    }
    (BASE_DIR / ".run").mkdir(exist_ok=True)
    log = open(BASE_DIR / ".run" / f"celery-{_xdist_worker()}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-Q", queue, "-n", f"{queue}@%h", "--loglevel=INFO",
        ],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The Celery worker exited at start-up; see {log.name}")
        if app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=0.5):
            break
    else:
        process.kill()
        pytest.fail(f"The Celery worker did not answer within 30 s; see {log.name}")
    yield process
    stop(process)
    log.close()
