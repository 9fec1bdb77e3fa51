"""Sign-in lockout: django-axes with a limit per account and a higher one per address.

Axes counts failed password sign-ins (the login page and the admin login both go through
``authenticate(request, ...)``) and compares one number with one limit. Tandem wants two:
``SIGNIN_FAILURES_PER_ACCOUNT`` wrong passwords for one username, from anywhere, and
``SIGNIN_FAILURES_PER_ADDRESS`` from one address, over any usernames. Either lock lasts
``SIGNIN_COOLOFF_MINUTES`` from the failure that completed it, and the person locked out is
told so and for how long (:func:`lockout_response`).
"""

import datetime
import math

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


class SigninHandler(AxesDatabaseHandler):
    """Axes' database handler with the two limits, and a success that clears only its account.

    Axes' own reset on success deletes the address's failures too, so a guesser could sign in
    to an account of their own now and then to clear the per-address count.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        account, address = failure_counts(request, credentials)
        if address >= settings.SIGNIN_FAILURES_PER_ADDRESS:
            # Axes compares this number with the per-account limit: report the address's
            # lock as at least that many.
            return max(account, settings.SIGNIN_FAILURES_PER_ACCOUNT)
        return account

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        deleted, _ = AccessAttempt.objects.filter(username=username).delete()
        return deleted


def _recent_attempts(request, credentials: dict | None):
    """Failures within the cool-off, split into this username's and this address's rows."""
    recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
    username = get_client_username(request, credentials)
    return (
        recent.filter(username=username),
        recent.filter(ip_address=request.axes_ip_address),
    )


def _total(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def failure_counts(request, credentials: dict | None = None) -> tuple[int, int]:
    """(failures for this username, failures from this address) within the cool-off."""
    by_account, by_address = _recent_attempts(request, credentials)
    return _total(by_account), _total(by_address)


def _locked_until(attempts, limit: int) -> datetime.datetime | None:
    """When the lock made by ``attempts`` ends, or None if they do not reach ``limit``.

    Axes keeps one row per (username, address, browser) with its failure count and latest
    failure; a row stops counting a cool-off after its latest failure, so the lock lasts
    until the newest rows alone no longer reach the limit.
    """
    total = 0
    for attempt_time, failures in attempts.order_by("-attempt_time").values_list(
        "attempt_time", "failures_since_start"
    ):
        total += failures
        if total >= limit:
            return attempt_time + get_cool_off(None)
    return None


def lock_remaining(request, credentials: dict | None = None) -> datetime.timedelta:
    """How long the account or address of this sign-in stays locked (zero when it is not)."""
    by_account, by_address = _recent_attempts(request, credentials)
    ends = [
        _locked_until(by_account, settings.SIGNIN_FAILURES_PER_ACCOUNT),
        _locked_until(by_address, settings.SIGNIN_FAILURES_PER_ADDRESS),
    ]
    latest = max((end for end in ends if end is not None), default=None)
    if latest is None:
        return datetime.timedelta(0)
    return max(latest - timezone.now(), datetime.timedelta(0))


def lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """The 429 page for a locked sign-in: what happened and how many minutes are left."""
    remaining = lock_remaining(request, credentials)
    seconds = max(math.ceil(remaining.total_seconds()), 1)
    response = render(
        request,
        "registration/locked_out.html",
        {
            "minutes": math.ceil(seconds / 60),
            "cooloff_minutes": settings.SIGNIN_COOLOFF_MINUTES,
            "title": "Sign-in locked",
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
