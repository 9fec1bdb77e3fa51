"""API rate limits as fixed-window counters: one cache round trip per request.

DRF's built-in throttles keep every request's timestamp in one cache entry and rewrite it on
each request, which grows with the rate (thousands of entries at 6000/hour); a counter per
window costs the same at any rate.
"""

import time

from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle


class _FixedWindowThrottle(SimpleRateThrottle):
    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        window = int(time.time() // self.duration)
        key = f"{ident}:{window}"
        try:
            try:
                count = cache.incr(key)
            except ValueError:  # first request of the window (or another process's)
                created = cache.add(key, 1, timeout=self.duration + 1)
                count = 1 if created else cache.incr(key)
        except Exception:  # a cache outage must not take the API down with it
            return True
        self._wait = (window + 1) * self.duration - time.time()
        return count <= self.num_requests

    def wait(self) -> float | None:
        return max(getattr(self, "_wait", 0.0), 0.0)


class UserRateThrottle(_FixedWindowThrottle):
    """Signed-in callers: ``API_THROTTLE_USER`` requests per period, per person."""

    scope = "user"

    def get_cache_key(self, request, view) -> str | None:
        if request.user and request.user.is_authenticated:
            return f"throttle:user:{request.user.pk}"
        return None


class AnonRateThrottle(_FixedWindowThrottle):
    """Anonymous callers (who only ever get 401s): ``API_THROTTLE_ANON`` per address."""

    scope = "anon"

    def get_cache_key(self, request, view) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return f"throttle:anon:{self.get_ident(request)}"
