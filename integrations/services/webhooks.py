"""Outgoing webhooks: endpoints (admins), deliveries (durable work) and sending them.

An activity event of a subscribed type writes one :class:`Delivery` per active endpoint in
the event's own transaction (:func:`webhooks_fan_out`, from a ``post_save`` receiver), so a
delivery exists exactly when the event does. :func:`delivery_send` (the durable handler,
run by the Celery prompt or the sweep) signs and posts it; ``core.durable`` claims, retries
and gives up.
"""

import datetime
import email.utils
import json
import time
import uuid

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from accounts.permissions import require_role
from activity.models import Activity, EventType
from activity.services import activity_record
from core.durable import WorkStatus, durable_create
from core.queue import enqueue_on_commit
from core.registries import webhook_events

from .. import net, signing
from ..models import Attempt, Delivery, Endpoint

MANAGE = "manage webhooks"
#: The event type of "send test event": not an activity, offered to every endpoint.
TEST_EVENT = "webhook.test"
#: How long the old secret still signs after a rotation (both signatures are sent).
ROTATION_OVERLAP = datetime.timedelta(hours=24)
#: The longest Retry-After honoured; longer waits fall back to the schedule's maximum.
MAX_RETRY_AFTER = datetime.timedelta(hours=24)
ENDPOINT_FIELDS = ("url", "description", "event_types", "active")


def require_manage_webhooks(user) -> None:
    require_role(user, Role.ADMIN, MANAGE)


def event_choices() -> dict[str, str]:
    """Every event type an endpoint may subscribe to (value → description)."""
    return {**webhook_events(), TEST_EVENT: "test event (sent from the endpoint's page)"}


# --- endpoints ---------------------------------------------------------------------------


def _clean(*, url, description, event_types) -> tuple[str, str, list[str]]:
    errors = {}
    if not isinstance(url, str) or not url.strip():
        errors["url"] = ["Enter the URL that receives the webhooks."]
    elif len(url) > Endpoint.URL_MAX_LENGTH:
        errors["url"] = [f"Enter a URL of at most {Endpoint.URL_MAX_LENGTH} characters."]
    elif problem := net.url_problem(url.strip()):
        errors["url"] = [problem]
    if not isinstance(description, str) or len(description) > Endpoint.DESCRIPTION_MAX_LENGTH:
        errors["description"] = [
            f"Enter text of at most {Endpoint.DESCRIPTION_MAX_LENGTH} characters."
        ]
    elif "\x00" in description:
        errors["description"] = ["Null characters are not allowed."]
    choices = event_choices()
    if not isinstance(event_types, list) or not event_types:
        errors["event_types"] = ["Choose at least one event type."]
    elif unknown := [e for e in event_types if not isinstance(e, str) or e not in choices]:
        errors["event_types"] = [f"Unknown event type {unknown[0]!r}."]
    if errors:
        raise ValidationError(errors)
    return url.strip(), description.strip(), sorted(set(event_types))


@transaction.atomic
def endpoint_create(
    *, url: str, event_types: list[str], actor: User, description: str = "", active: bool = True
) -> Endpoint:
    """Register an endpoint (admins). Its secret is on the returned object: show it once."""
    require_manage_webhooks(actor)
    url, description, event_types = _clean(
        url=url, description=description, event_types=event_types
    )
    endpoint = Endpoint.objects.create(
        url=url,
        description=description,
        event_types=event_types,
        active=bool(active),
        secret=signing.secret_generate(),
        owner=actor,
    )
    activity_record(
        actor=actor,
        event=EventType.WEBHOOK_CREATED,
        target=endpoint,
        data={"url": url, "event_types": event_types},
    )
    return endpoint


@transaction.atomic
def endpoint_update(*, endpoint: Endpoint, actor: User, **changes) -> Endpoint:
    """Change an endpoint's URL, description, event types or active flag (admins).
    Re-activating clears the reason it was disabled."""
    require_manage_webhooks(actor)
    unknown = set(changes) - set(ENDPOINT_FIELDS)
    if unknown:
        raise ValidationError({field: "This field cannot be changed here." for field in unknown})
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    url, description, event_types = _clean(
        url=changes.get("url", endpoint.url),
        description=changes.get("description", endpoint.description),
        event_types=changes.get("event_types", endpoint.event_types),
    )
    new = {
        "url": url,
        "description": description,
        "event_types": event_types,
        "active": bool(changes.get("active", endpoint.active)),
    }
    changed = {k: [getattr(endpoint, k), v] for k, v in new.items() if getattr(endpoint, k) != v}
    if not changed:
        return endpoint
    for field, (_, value) in changed.items():
        setattr(endpoint, field, value)
    fields = [*changed, "updated_at"]
    if new["active"] and endpoint.disabled_reason:
        endpoint.disabled_reason = ""
        fields.append("disabled_reason")
    endpoint.save(update_fields=fields)
    activity_record(actor=actor, event=EventType.WEBHOOK_UPDATED, target=endpoint, data=changed)
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: Endpoint, actor: User) -> Endpoint:
    """A new secret (shown once); the old one keeps signing for ``ROTATION_OVERLAP`` so
    receivers can switch without losing a message."""
    require_manage_webhooks(actor)
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + ROTATION_OVERLAP
    endpoint.secret = signing.secret_generate()
    endpoint.save(
        update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"]
    )
    activity_record(actor=actor, event=EventType.WEBHOOK_SECRET_ROTATED, target=endpoint)
    return endpoint


def _disable(endpoint: Endpoint, reason: str) -> None:
    """Deactivate an endpoint that is gone or keeps failing, and tell its owner (an event
    on their record, which feeds their timeline and digest)."""
    with transaction.atomic():
        updated = Endpoint.objects.filter(pk=endpoint.pk, active=True).update(
            active=False, disabled_reason=reason[:300], updated_at=timezone.now()
        )
        if updated:
            activity_record(
                actor=None,
                event=EventType.WEBHOOK_DISABLED,
                target=endpoint,
                data={"reason": reason[:300], "owner": endpoint.owner_id, "url": endpoint.url},
            )


# --- deliveries --------------------------------------------------------------------------


def _body(event_type: str, data: dict, moment: datetime.datetime) -> str:
    return json.dumps(
        {"type": event_type, "timestamp": moment.isoformat(), "data": data},
        separators=(",", ":"),
        sort_keys=True,
    )


def webhooks_fan_out(activity: Activity) -> list[Delivery]:
    """One delivery per active endpoint subscribed to the event, written in the caller's
    (the event's) transaction. One small query when nobody subscribes: the endpoints table
    holds a handful of rows, and reading it (not a cache) means a new subscription sees the
    very next event in every process, and a hanging cache never slows a write."""
    endpoints = [
        endpoint
        for endpoint in Endpoint.objects.filter(active=True).only("pk", "event_types")
        if activity.event in endpoint.event_types
    ]
    if not endpoints:
        return []
    from activity.api.serializers import ActivitySerializer

    body = _body(activity.event, ActivitySerializer(activity).data, activity.created_at)
    return durable_create(
        [
            Delivery(
                endpoint=endpoint,
                message_id=f"msg_{uuid.uuid4().hex}",
                event_type=activity.event,
                body=body,
                activity=activity,
            )
            for endpoint in endpoints
        ]
    )


@transaction.atomic
def endpoint_send_test(*, endpoint: Endpoint, actor: User) -> Delivery:
    """Queue a test event to the endpoint (admins), whatever it subscribes to."""
    require_manage_webhooks(actor)
    now = timezone.now()
    data = {"endpoint": endpoint.pk, "url": endpoint.url, "sent_by": actor.username}
    (delivery,) = durable_create(
        [
            Delivery(
                endpoint=endpoint,
                message_id=f"msg_{uuid.uuid4().hex}",
                event_type=TEST_EVENT,
                body=_body(TEST_EVENT, data, now),
            )
        ]
    )
    return delivery


@transaction.atomic
def delivery_redeliver(*, delivery: Delivery, actor: User) -> Delivery:
    """Send a delivery again (admins), with the same ``webhook-id`` and body, from a fresh
    attempt count. A delivery being sent right now is left alone (409-like refusal)."""
    require_manage_webhooks(actor)
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status == WorkStatus.SENDING:
        raise ValidationError({"delivery": "This delivery is being sent right now."})
    if not Endpoint.objects.filter(pk=delivery.endpoint_id, active=True).exists():
        raise ValidationError({"delivery": "Activate the endpoint before redelivering."})
    Delivery.objects.filter(pk=delivery.pk).update(
        status=WorkStatus.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        claimed_at=None,
        done_at=None,
    )
    enqueue_on_commit("webhook_deliver", delivery.pk)
    delivery.refresh_from_db()
    return delivery


# --- sending -----------------------------------------------------------------------------


class DeliveryFailed(OSError):
    """A send that may succeed later (timeout, connection error, 429, 5xx): retried, after
    at least ``retry_after`` when the receiver said so."""

    def __init__(self, message: str, retry_after: datetime.timedelta | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class DeliveryRefused(Exception):
    """A send that will not succeed by retrying (4xx, unsafe address, endpoint inactive)."""


def _retry_after(value: str | None) -> datetime.timedelta | None:
    """Retry-After as seconds or an HTTP date, capped at ``MAX_RETRY_AFTER``."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        wait = datetime.timedelta(seconds=int(value))
    else:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
        wait = moment - timezone.now()
    return max(min(wait, MAX_RETRY_AFTER), datetime.timedelta(0))


def delivery_send(delivery: Delivery) -> None:
    """The durable handler: sign and POST once, record the attempt, and decide.

    2xx: done. 410: the endpoint is disabled, the delivery fails. 429, 5xx, timeouts and
    connection errors: :class:`DeliveryFailed` (retried on the schedule, Retry-After
    honoured); on the last attempt the endpoint is disabled and its owner told. Any other
    answer, an unsafe address or an inactive endpoint: :class:`DeliveryRefused` (failed).
    """
    endpoint = Endpoint.objects.get(pk=delivery.endpoint_id)
    if not endpoint.active:
        raise DeliveryRefused("The endpoint is not active.")
    now = timezone.now()
    secrets_ = [endpoint.secret]
    if endpoint.previous_secret and (
        endpoint.previous_secret_expires_at is None or endpoint.previous_secret_expires_at > now
    ):
        secrets_.append(endpoint.previous_secret)
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": "Tandem-Webhooks/1.0",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signing.signature_header(
            secrets_, delivery.message_id, timestamp, delivery.body
        ),
    }
    started = time.monotonic()
    status_code, error, excerpt, retry_after, unsafe = None, "", "", None, False
    try:
        status_code, response_headers, raw = net.post(
            endpoint.url, delivery.body.encode(), headers, settings.WEBHOOK_TIMEOUT_SECONDS
        )
        excerpt = raw[: Attempt.EXCERPT_MAX_LENGTH].decode("utf-8", "replace").replace("\x00", "")
        retry_after = _retry_after(response_headers.get("retry-after"))
    except net.UnsafeAddress as refusal:
        error, unsafe = str(refusal), True
    except (OSError, ValueError) as failure:  # timeouts, refused connections, bad responses
        error = f"{type(failure).__name__}: {failure}"
    Attempt.objects.create(
        delivery=delivery,
        status_code=status_code,
        duration_ms=int((time.monotonic() - started) * 1000),
        error=error[:500],
        response_excerpt=excerpt,
    )
    if status_code is not None and 200 <= status_code < 300:
        return
    if status_code == 410:
        _disable(endpoint, "The receiver answered 410 Gone.")
        raise DeliveryRefused("410 Gone: the endpoint was disabled.")
    # Timeouts and connection errors may pass, 429 and 5xx too; an inside address will not.
    transient = not unsafe if status_code is None else status_code == 429 or status_code >= 500
    message = f"HTTP {status_code}" if status_code is not None else error
    if not transient:
        raise DeliveryRefused(message)
    if delivery.attempts >= Delivery.max_attempts:
        _disable(
            endpoint,
            f"Every attempt of delivery {delivery.message_id} failed over about three days "
            f"(last: {message}).",
        )
    raise DeliveryFailed(message, retry_after)
