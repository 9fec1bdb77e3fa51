"""Helpers the research views share."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from core.exceptions import Conflict


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


def url_maker(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for many pks at the cost of one reverse: boards render
    hundreds of cards, and per-card reversing was most of the page's time."""
    marker = 987654321
    prefix, suffix = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{prefix}{pk}{suffix}"


def refusal_text(action: Callable[[], Any]) -> tuple[Any, str]:
    """``(result, "")`` from ``action()``, or ``(None, its messages)`` when the service
    refuses with a ValidationError: for posts that show the refusal as one line of text."""
    try:
        return action(), ""
    except ValidationError as error:
        return None, " ".join(error.messages)


def answer_post(
    request: HttpRequest, action: Callable[[], Any], *, next_url: str, prefix: str = ""
) -> tuple[Any, HttpResponse | None]:
    """Run a board post (a move or reorder, by drag and drop or by button) through its service.

    ``(result, None)`` when it went through; else ``(None, answer)``: JSON ``{"error"}`` with
    409 (a lost race), 400 (refused) or 403 (not allowed) when the page asked for JSON,
    otherwise the service's message (after ``prefix``) and a redirect to ``next_url``.
    Without JSON a PermissionDenied stays the usual 403 page.
    """
    try:
        result, text = refusal_text(action)
    except Conflict as stale:
        status, text = 409, str(stale)
    except PermissionDenied as denied:
        if not wants_json(request):
            raise
        status, text = 403, str(denied)
    else:
        if not text:
            return result, None
        status = 400
    if wants_json(request):
        return None, JsonResponse({"error": text}, status=status)
    messages.error(request, text if status == 409 else f"{prefix}{text}")
    return None, redirect(next_url)
