"""A version stamp for research data, so read-heavy lists can be served from the cache.

Training jobs, dashboards and bots poll the idea list far more often than readings arrive.
Every research write bumps the stamp, so a cached list is never served after a change; a
time bucket bounds how long "value N days ago" may lag behind the clock. If the cache is
unreachable, callers simply compute the answer.
"""

import functools
import hashlib
import logging
import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

VERSION_KEY = "research:data-version"


def _bump() -> None:
    try:
        if not cache.add(VERSION_KEY, 1, timeout=None):
            cache.incr(VERSION_KEY)
    except Exception:  # a cache outage must not fail a write; entries expire on their own
        logger.warning("could not bump the research data version", exc_info=True)


def research_data_changed() -> None:
    """Invalidate cached research reads: now (for this transaction) and again at commit.

    The bump at commit is the one that matters to other processes: a reader that computed
    from pre-commit rows stored its answer under the old stamp, never served again.
    """
    _bump()
    transaction.on_commit(_bump)


def changes_research_data(service: Callable) -> Callable:
    """Decorate a write service so every call invalidates cached research reads."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        research_data_changed()
        return service(*args, **kwargs)

    return wrapper


def cached_bytes(key: str, build: Callable[[], bytes], *, seconds: int) -> bytes:
    """``build()``'s bytes, cached under ``key`` for the current data version and time bucket.

    The entry carries the version it was built at, so the stamp and the entry come back in
    one round trip and a stale entry is simply rebuilt.
    """
    if seconds <= 0:
        return build()
    bucket = int(time.time() // seconds)
    digest = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()
    entry_key = f"research:cached:{bucket}:{digest}"
    try:
        found = cache.get_many([VERSION_KEY, entry_key])
    except Exception:
        logger.warning("research cache unavailable; computing", exc_info=True)
        return build()
    version = found.get(VERSION_KEY)
    entry = found.get(entry_key)
    if version is not None and entry is not None and entry[0] == version:
        return entry[1]
    if version is None:
        version = cache.get_or_set(VERSION_KEY, 1, timeout=None)
    body = build()
    try:
        cache.set(entry_key, (version, body), timeout=seconds * 2)
    except Exception:
        logger.warning("could not store a research cache entry", exc_info=True)
    return body
