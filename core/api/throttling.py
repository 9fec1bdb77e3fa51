"""API rate limits as token buckets, and the throttle on guessed bearer tokens.

Each caller has a bucket of ``API_THROTTLE_BURST`` requests (never more than the rate's own
count) that refills at the rate's pace: ``6000/hour`` is one request every 0.6 s. A burst is
served at once, then requests are spaced out, and a refused one is told in ``Retry-After``
how many seconds until the next is allowed (about one, not the rest of an hour as a fixed
window would say). Signed-in callers have a bucket per API token (a session has one per
person), so one busy job does not starve its owner's other tokens.

The bucket is the generic cell rate algorithm (GCRA): a single number per caller, the
"theoretical arrival time" of its next request. With Redis it lives there and is updated by
one Lua script on Redis's own clock, so every process shares it atomically; without Redis it
lives in this process. Keys start with the cache's ``KEY_PREFIX`` (``CACHE_KEY_PREFIX``), so
two deployments on one Redis never share buckets. A Redis outage lets requests through (and
is logged): the limit protects the service, it must not take it down.
"""

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import redis
from django.conf import settings
from django.core.cache import cache
from rest_framework.exceptions import Throttled
from rest_framework.throttling import SimpleRateThrottle

from core.net import client_address
from core.text import counted

logger = logging.getLogger(__name__)

T = TypeVar("T")

# KEYS[1]: the bucket; ARGV: emission interval (ms), burst, "1" to only look.
# Returns 0 when a request is allowed (and counted unless looking), else the ms to wait.
# Milliseconds keep the numbers exact in Lua's doubles and in their string form.
_GCRA_LUA = """
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local next_tat = tat + interval
local over = next_tat - now - burst * interval
if over > 0 then return over end
if ARGV[3] ~= '1' then
  redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', next_tat - now)
end
return 0
"""

_redis_lock = threading.Lock()
_redis_scripts: dict[str, object] = {}  # REDIS_URL -> registered script
_local_lock = threading.Lock()
_local_buckets: dict[str, float] = {}  # bucket key -> theoretical arrival time (epoch s)
_LOCAL_BUCKETS_MAX = 10_000
_outage_logged_at = 0.0


def _redis_script(url: str):
    script = _redis_scripts.get(url)
    if script is None:
        with _redis_lock:
            script = _redis_scripts.get(url)
            if script is None:
                # Short timeouts: a Redis that hangs must not hold requests up.
                client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
                script = _redis_scripts[url] = client.register_script(_GCRA_LUA)
    return script


def _take_local(key: str, interval: float, burst: int, peek: bool) -> float:
    with _local_lock:
        now = time.time()
        next_tat = max(_local_buckets.get(key, now), now) + interval
        over = next_tat - now - burst * interval
        if over > 0:
            return over
        if not peek:
            if len(_local_buckets) >= _LOCAL_BUCKETS_MAX:  # forget buckets that are full again
                for stale in [k for k, tat in _local_buckets.items() if tat <= now]:
                    del _local_buckets[stale]
            _local_buckets[key] = next_tat
        return 0.0


def _log_outage() -> None:
    global _outage_logged_at
    now = time.monotonic()
    if now - _outage_logged_at > 60:  # once a minute, not once a request
        _outage_logged_at = now
        logger.warning(
            "API throttle: Redis did not answer; requests are let through", exc_info=True
        )


def bucket_take(key: str, *, interval: float, burst: int, peek: bool = False) -> float:
    """Take one request from bucket ``key`` (refilled one per ``interval`` seconds, holding at
    most ``burst``): 0 when allowed, else the seconds until one will be. ``peek`` only looks.
    """
    key = cache.make_key(key)
    if not settings.REDIS_URL:
        return _take_local(key, interval, burst, peek)
    try:
        script = _redis_script(settings.REDIS_URL)
        wait_ms = script(keys=[key], args=[max(round(interval * 1000), 1), burst, int(peek)])
    except redis.RedisError:
        _log_outage()
        return 0.0
    return int(wait_ms) / 1000


class _BucketThrottle(SimpleRateThrottle):
    """A DRF throttle backed by :func:`bucket_take`; ``get_cache_key`` names the bucket."""

    def get_ident(self, request) -> str:
        return client_address(request)

    def take(self, key: str, *, peek: bool = False) -> float:
        return bucket_take(
            f"throttle:{self.scope}:{key}",
            interval=self.duration / self.num_requests,
            burst=max(min(settings.API_THROTTLE_BURST, self.num_requests), 1),
            peek=peek,
        )

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self._wait = self.take(key)
        return self._wait == 0

    def wait(self) -> float | None:
        return getattr(self, "_wait", 0.0)


class UserRateThrottle(_BucketThrottle):
    """Signed-in callers: ``API_THROTTLE_USER`` per API token (per person for a session)."""

    scope = "user"

    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        token_id = getattr(request.auth, "pk", None)  # an accounts ApiToken for bearer calls
        if token_id is not None:
            return f"token:{token_id}"
        return f"user:{request.user.pk}"


class AnonRateThrottle(_BucketThrottle):
    """Anonymous callers (who only ever get 401s): ``API_THROTTLE_ANON`` per address.

    ``core.api.permissions.SignedIn`` runs it before refusing, since DRF checks permissions
    before throttles and an anonymous request never got that far.
    """

    scope = "anon"

    def get_cache_key(self, request, view) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.get_ident(request)


class FailedTokenThrottle(_BucketThrottle):
    """Wrong bearer tokens: ``failed-token`` rate (``API_THROTTLE_FAILED_TOKEN``) per address."""

    scope = "failed-token"


def throttle_token_guesses(request, lookup: Callable[[str], T | None], key: str) -> T | None:
    """``lookup(key)``, unless this address has sent too many wrong tokens lately.

    An address whose failed-token bucket is empty gets 429 with ``Retry-After`` before its
    token is even looked at, so a guesser cannot tell a right guess from a wrong one while
    refused; each wrong token takes one from the bucket. Other addresses are unaffected.
    """
    throttle = FailedTokenThrottle()
    address = throttle.get_ident(request)
    wait = throttle.take(address, peek=True)
    if wait:
        raise Throttled(
            wait=wait,
            detail=(
                "Too many invalid tokens from your address. "
                f"Try again in {counted(math.ceil(wait), 'second')}."
            ),
        )
    found = lookup(key)
    if found is None:
        throttle.take(address)
    return found
