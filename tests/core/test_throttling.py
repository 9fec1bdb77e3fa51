"""API rate limits (core.api.throttling): token buckets per API token, on the real Redis.

Pinned: a burst of API_THROTTLE_BURST (never more than the rate's count), then 429 with a
``Retry-After`` of the seconds until the next request is allowed; a bucket per token;
anonymous callers meet their limit before the 401; wrong bearer tokens are limited per
address; buckets are namespaced by the cache's key prefix; a Redis outage lets requests in.
"""

import itertools
import time

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from accounts.services import api_token_create
from core.api import throttling

pytestmark = pytest.mark.django_db

_addresses = (f"10.20.{n // 250}.{n % 250 + 1}" for n in itertools.count())


@pytest.fixture
def address() -> str:
    """An address no other test used: buckets outlive a test's database rollback."""
    return next(_addresses)


@pytest.fixture
def rates(monkeypatch):
    """``rates(user=..., anon=..., burst=...)``: set the limits for this test."""

    def set_rates(burst: int | None = None, **scopes: str) -> None:
        merged = {**throttling.UserRateThrottle.THROTTLE_RATES, **scopes}
        monkeypatch.setattr(throttling.SimpleRateThrottle, "THROTTLE_RATES", merged)
        if burst is not None:
            monkeypatch.setattr(django_settings, "API_THROTTLE_BURST", burst)

    return set_rates


def bearer(user, address: str = "127.0.0.1", name: str = "job") -> APIClient:
    _, key = api_token_create(user=user, name=name, actor=user)
    api = APIClient(REMOTE_ADDR=address)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api


def statuses(api: APIClient, count: int, path: str = "/api/v1/me/") -> list[int]:
    return [api.get(path).status_code for _ in range(count)]


def test_defaults_allow_a_burst_of_100_then_ask_for_one_second(member):
    assert django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"] == "6000/hour"
    api = bearer(member)
    started = time.monotonic()
    assert statuses(api, 100) == [200] * 100
    refills = 0  # the bucket refills one request every 0.6 s while the burst is sent
    while (refused := api.get("/api/v1/me/")).status_code == 200:
        refills += 1
    assert refills <= (time.monotonic() - started) / 0.6 + 1
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"  # 6000/hour is one every 0.6 s, not "in an hour"


def test_burst_then_429_then_one_more_after_retry_after(rates, member):
    rates(user="60/min", burst=5)
    api = bearer(member)
    assert statuses(api, 6) == [200] * 5 + [429]
    refused = api.get("/api/v1/me/")
    assert refused["Retry-After"] == "1"
    time.sleep(int(refused["Retry-After"]))
    assert statuses(api, 2) == [200, 429]


def test_the_burst_is_never_more_than_the_rates_own_count(rates, member):
    rates(user="3/day", burst=100)
    api = bearer(member)
    assert statuses(api, 4) == [200, 200, 200, 429]
    assert int(api.get("/api/v1/me/")["Retry-After"]) == 8 * 3600


def test_two_tokens_of_one_person_have_separate_buckets(rates, member):
    rates(user="60/min", burst=3)
    first, second = bearer(member, name="first"), bearer(member, name="second")
    assert statuses(first, 4) == [200, 200, 200, 429]
    assert statuses(second, 4) == [200, 200, 200, 429]


def test_a_session_has_one_bucket_per_person(rates, member, manager, api_as):
    rates(user="60/min", burst=3)
    assert statuses(api_as(member), 4) == [200, 200, 200, 429]
    assert statuses(api_as(member), 1) == [429]
    assert statuses(api_as(manager), 1) == [200]


def test_two_key_prefixes_do_not_share_buckets(rates, member, settings):
    rates(user="60/min", burst=2)
    api = bearer(member)
    assert statuses(api, 3) == [200, 200, 429]
    original = settings.CACHES["default"]["KEY_PREFIX"]
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": original + "-b"}}
    assert statuses(api, 3) == [200, 200, 429]
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": original}}
    assert statuses(api, 1) == [429]


def test_without_redis_an_in_process_bucket_limits_the_same_way(rates, member, settings):
    rates(user="60/min", burst=3)
    settings.REDIS_URL = ""
    api = bearer(member)
    assert statuses(api, 4) == [200, 200, 200, 429]
    assert api.get("/api/v1/me/")["Retry-After"] == "1"


def test_a_redis_outage_lets_requests_through_and_is_logged(rates, member, settings, caplog):
    rates(user="60/min", burst=1)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    throttling._outage_logged_at = 0.0
    assert statuses(bearer(member), 3) == [200, 200, 200]
    assert "Redis did not answer" in caplog.text


def test_the_61st_anonymous_request_within_the_hour_is_throttled(address):
    assert django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"] == "60/hour"
    api = APIClient(REMOTE_ADDR=address)
    assert statuses(api, 60) == [401] * 60
    refused = api.get("/api/v1/me/")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    # Another address still gets its honest 401.
    assert APIClient(REMOTE_ADDR=next(_addresses)).get("/api/v1/me/").status_code == 401


def test_guessed_tokens_from_one_address_get_429_and_others_are_unaffected(member, address):
    assert django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["failed-token"] == "20/min"
    guesser = APIClient(REMOTE_ADDR=address)
    results = []
    for n in range(21):
        guesser.credentials(HTTP_AUTHORIZATION=f"Bearer tdm_guess{n}")
        results.append(guesser.get("/api/v1/me/"))
    assert [r.status_code for r in results] == [401] * 20 + [429]
    assert results[-1]["Retry-After"] == "3"  # 20 a minute: one every 3 s
    # While refused, even a right token from that address is not looked at ...
    assert bearer(member, address=address).get("/api/v1/me/").status_code == 429
    # ... and a right token from another address works.
    assert bearer(member, address=next(_addresses)).get("/api/v1/me/").status_code == 200


def test_right_tokens_do_not_count_as_guesses(member, address):
    api = bearer(member, address=address)
    assert statuses(api, 30) == [200] * 30
