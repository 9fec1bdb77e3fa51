"""Who is on the other end of a request: one answer for every per-address limit."""

from django.conf import settings


def client_address(request) -> str:
    """The caller's IP address, trusting exactly ``TRUSTED_PROXY_COUNT`` proxies.

    Each trusted proxy appends the address it received the request from to
    ``X-Forwarded-For``, so the caller is the entry that many places from the right; anything
    further left was written by the caller and could be forged to dodge a limit. With no
    trusted proxy (the default) the socket's address is the answer.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]
