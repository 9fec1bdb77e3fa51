"""Health checks of the services Tandem depends on."""

import logging
import time

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        detail = check()
    except Exception as exc:  # any failure means "down"
        # The message may name hosts, ports or users: it goes to the log, and the anonymous
        # page gets only the exception's class.
        logger.warning(
            "Health check %s failed", getattr(check, "__qualname__", check), exc_info=True
        )
        return {"status": "down", "error": type(exc).__name__}
    result = {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}
    if detail:
        result.update(detail)
    return result


def database_status() -> dict:
    """Run ``SELECT 1`` on the default database."""

    def check():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"vendor": connection.vendor}

    return _timed(check)


def broker_status() -> dict:
    """Ping the Redis broker; without one, tasks run eagerly and there is nothing to ping."""
    if not settings.REDIS_URL:
        return {"status": "ok", "mode": "eager (no broker configured)"}

    def check():
        import redis

        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        try:
            client.ping()
        finally:
            client.close()
        return {"mode": "redis"}

    return _timed(check)
