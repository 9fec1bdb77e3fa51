"""Outgoing webhooks: signed as Standard Webhooks say, durable, retried, disabled when gone."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from activity.models import Activity, EventType
from core.durable import durable_run
from integrations import signing
from integrations.models import Attempt, Delivery, Endpoint
from integrations.services import webhooks as services
from research.services import idea_transition
from tests.processes import wait_until

from .receiver import Receiver


def _endpoint(admin_user, url, events=("idea.moved",)) -> Endpoint:
    return services.endpoint_create(url=url, event_types=list(events), actor=admin_user)


def test_signature_is_verified_by_the_reference_library_and_both_during_rotation():
    old, new = signing.secret_generate(), signing.secret_generate()
    body = json.dumps({"type": "idea.moved", "timestamp": "2026-11-01T00:00:00Z", "data": {}})
    stamp = int(timezone.now().timestamp())
    header = signing.signature_header([new, old], "msg_1", stamp, body)
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(stamp), "webhook-signature": header}
    assert Webhook(new).verify(body, headers) and Webhook(old).verify(body, headers)
    assert header.count("v1,") == 2
    tampered = {**headers, "webhook-id": "msg_2"}
    with pytest.raises(Exception):  # noqa: B017  (the library's own verification error)
        Webhook(new).verify(body, tampered)


def test_an_event_writes_one_delivery_per_subscribed_active_endpoint(admin_user, idea, scientist):
    subscribed = _endpoint(admin_user, "http://127.0.0.1:9/a")
    _endpoint(admin_user, "http://127.0.0.1:9/b", events=("flag.raised",))
    inactive = _endpoint(admin_user, "http://127.0.0.1:9/c")
    services.endpoint_update(endpoint=inactive, actor=admin_user, active=False)
    idea_transition(idea=idea, to="exploring", actor=scientist)
    deliveries = list(Delivery.objects.all())
    assert [d.endpoint_id for d in deliveries] == [subscribed.pk]
    payload = json.loads(deliveries[0].body)
    assert payload["type"] == "idea.moved" and set(payload) == {"type", "timestamp", "data"}
    assert payload["data"]["target_id"] == idea.pk and payload["data"]["event"] == "idea.moved"


def test_a_rolled_back_event_leaves_no_delivery(admin_user, idea, scientist):
    _endpoint(admin_user, "http://127.0.0.1:9/a")
    with pytest.raises(RuntimeError), transaction.atomic():
        idea_transition(idea=idea, to="exploring", actor=scientist)
        assert Delivery.objects.count() == 1
        raise RuntimeError("the change fails after the event")
    assert Delivery.objects.count() == 0


def test_one_query_for_events_nobody_subscribes_to(admin_user, django_assert_num_queries):
    for n in range(5):
        _endpoint(admin_user, f"http://127.0.0.1:9/{n}", events=("flag.raised",))
    activity = Activity(event=EventType.IDEA_MOVED)
    with django_assert_num_queries(1):
        assert services.webhooks_fan_out(activity) == []


def test_a_new_subscription_sees_the_very_next_event(admin_user, idea, scientist):
    idea_transition(idea=idea, to="exploring", actor=scientist)
    assert Delivery.objects.count() == 0
    _endpoint(admin_user, "http://127.0.0.1:9/a")
    idea_transition(idea=idea, to="prototyping", actor=scientist)
    assert Delivery.objects.count() == 1


def test_only_admins_manage_endpoints(member, manager):
    for person in (member, manager):
        with pytest.raises(PermissionDenied):
            services.endpoint_create(
                url="https://example.com/h", event_types=["idea.moved"], actor=person
            )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/h", "Only http and https"),
        ("javascript:alert(1)", "Only http and https"),
        ("http://127.0.0.1:8000/h", "loopback, private or link-local"),
        ("http://localhost/h", "loopback, private or link-local"),
        ("http://10.1.2.3/h", "loopback, private or link-local"),
        ("http://192.168.0.7/h", "loopback, private or link-local"),
        ("http://169.254.169.254/latest/meta-data", "loopback, private or link-local"),
        ("http://[::1]/h", "loopback, private or link-local"),
        ("http://[::ffff:10.0.0.1]/h", "loopback, private or link-local"),
        ("http://0.0.0.0/h", "loopback, private or link-local"),
    ],
)
def test_unsafe_urls_are_refused_at_registration_in_production(admin_user, settings, url, message):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    with pytest.raises(ValidationError) as refused:
        services.endpoint_create(url=url, event_types=["idea.moved"], actor=admin_user)
    assert message in " ".join(refused.value.message_dict["url"])


def test_public_address_is_accepted_in_production(admin_user, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    endpoint = services.endpoint_create(
        url="https://93.184.215.14/hooks", event_types=["idea.moved"], actor=admin_user
    )
    assert endpoint.active


def test_an_address_that_became_private_is_refused_at_send_time(admin_user, settings):
    """A name that resolved publicly at registration may resolve inside later (rebinding):
    the send checks the address it connects to."""
    with Receiver() as receiver:
        endpoint = _endpoint(admin_user, receiver.url)
        delivery = services.endpoint_send_test(endpoint=endpoint, actor=admin_user)
        settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
        assert durable_run(Delivery, delivery.pk) == "failed"
    assert receiver.received == []
    attempt = Attempt.objects.get(delivery=delivery)
    assert "loopback, private or link-local" in attempt.error and attempt.status_code is None


def test_410_disables_the_endpoint_and_tells_its_owner(admin_user):
    with Receiver() as receiver:
        receiver.plan = lambda message_id, attempt: (410, {})
        endpoint = _endpoint(admin_user, receiver.url)
        delivery = services.endpoint_send_test(endpoint=endpoint, actor=admin_user)
        assert durable_run(Delivery, delivery.pk) == "failed"
    endpoint.refresh_from_db()
    assert not endpoint.active and "410" in endpoint.disabled_reason
    told = Activity.objects.get(event=EventType.WEBHOOK_DISABLED)
    assert told.target_id == endpoint.pk and told.data["owner"] == admin_user.pk


def test_retry_after_is_honoured_and_429_retried(admin_user):
    with Receiver(secret="") as receiver:
        receiver.plan = lambda message_id, attempt: (429, {"Retry-After": "600"})
        endpoint = _endpoint(admin_user, receiver.url)
        delivery = services.endpoint_send_test(endpoint=endpoint, actor=admin_user)
        before = timezone.now()
        assert durable_run(Delivery, delivery.pk) == "pending"
    delivery.refresh_from_db()
    # The schedule's first wait is 5 s; the receiver asked for 10 minutes.
    assert delivery.next_attempt_at >= before + datetime.timedelta(seconds=599)
    attempt = Attempt.objects.get(delivery=delivery)
    assert attempt.status_code == 429 and attempt.response_excerpt == "try later"


@pytest.mark.parametrize(
    ("status", "outcome"), [(500, "pending"), (503, "pending"), (400, "failed"), (404, "failed")]
)
def test_5xx_is_retried_and_other_4xx_is_not(admin_user, status, outcome):
    with Receiver() as receiver:
        receiver.plan = lambda message_id, attempt: (status, {})
        endpoint = _endpoint(admin_user, receiver.url)
        delivery = services.endpoint_send_test(endpoint=endpoint, actor=admin_user)
        assert durable_run(Delivery, delivery.pk) == outcome


def test_connection_errors_are_retried_on_a_growing_schedule_of_about_three_days(admin_user):
    from tests.processes import free_port

    endpoint = _endpoint(admin_user, f"http://127.0.0.1:{free_port()}/nobody")
    delivery = services.endpoint_send_test(endpoint=endpoint, actor=admin_user)
    assert durable_run(Delivery, delivery.pk) == "pending"
    assert "Connection" in Attempt.objects.get(delivery=delivery).error
    waits = [Delivery.backoff(n) for n in range(1, Delivery.max_attempts)]
    assert waits == sorted(waits) and waits[0] == datetime.timedelta(seconds=5)
    total = sum(waits, datetime.timedelta())
    assert datetime.timedelta(days=2.5) < total < datetime.timedelta(days=3.5)


def test_failing_every_attempt_disables_the_endpoint_and_tells_the_owner(admin_user):
    with Receiver() as receiver:
        receiver.plan = lambda message_id, attempt: (503, {})
        endpoint = _endpoint(admin_user, receiver.url)
        delivery = services.endpoint_send_test(endpoint=endpoint, actor=admin_user)
        Delivery.objects.filter(pk=delivery.pk).update(attempts=Delivery.max_attempts - 1)
        assert durable_run(Delivery, delivery.pk) == "failed"
    endpoint.refresh_from_db()
    assert not endpoint.active and "three days" in endpoint.disabled_reason
    assert Activity.objects.filter(event=EventType.WEBHOOK_DISABLED, target_id=endpoint.pk).exists()


def test_one_failure_short_of_the_last_keeps_the_endpoint(admin_user):
    with Receiver() as receiver:
        receiver.plan = lambda message_id, attempt: (503, {})
        endpoint = _endpoint(admin_user, receiver.url)
        delivery = services.endpoint_send_test(endpoint=endpoint, actor=admin_user)
        Delivery.objects.filter(pk=delivery.pk).update(attempts=Delivery.max_attempts - 2)
        assert durable_run(Delivery, delivery.pk) == "pending"
    endpoint.refresh_from_db()
    assert endpoint.active


def test_redeliver_sends_the_same_id_and_body_again(admin_user):
    with Receiver() as receiver:
        endpoint = _endpoint(admin_user, receiver.url)
        receiver.secrets = [endpoint.secret]
        delivery = services.endpoint_send_test(endpoint=endpoint, actor=admin_user)
        assert durable_run(Delivery, delivery.pk) == "done"
        services.delivery_redeliver(delivery=delivery, actor=admin_user)
        assert durable_run(Delivery, delivery.pk) == "done"
    first, second = receiver.received
    assert first["id"] == second["id"] == delivery.message_id
    assert first["payload"] == second["payload"]
    assert first["verified"] == second["verified"] == [endpoint.secret]


def test_rotation_sends_both_signatures(admin_user):
    with Receiver() as receiver:
        endpoint = _endpoint(admin_user, receiver.url)
        old = endpoint.secret
        endpoint = services.endpoint_rotate_secret(endpoint=endpoint, actor=admin_user)
        receiver.secrets = [old, endpoint.secret]
        delivery = services.endpoint_send_test(endpoint=endpoint, actor=admin_user)
        assert durable_run(Delivery, delivery.pk) == "done"
    (message,) = receiver.received
    assert message["verified"] == [old, endpoint.secret]
    assert message["signature"].count("v1,") == 2


@pytest.mark.django_db(transaction=True)
def test_events_reach_a_failing_receiver_once_it_recovers_through_the_worker(
    celery_worker, admin_user, idea, scientist, settings
):
    """With the real Celery worker: every event is delivered once the receiver answers, each
    under one webhook-id across its attempts, and none twice with a different id."""
    with Receiver() as receiver:
        endpoint = _endpoint(admin_user, receiver.url, events=("idea.moved", "idea.updated"))
        receiver.secrets = [endpoint.secret]
        # The first attempt of every message fails; the retry (5 s later) succeeds.
        receiver.plan = lambda message_id, attempt: (503, {}) if attempt == 1 else (200, {})
        idea_transition(idea=idea, to="exploring", actor=scientist)
        idea_transition(idea=idea, to="prototyping", actor=scientist)
        expected = list(Delivery.objects.order_by("pk").values_list("message_id", flat=True))
        assert len(expected) == 2
        done = receiver.wait_for(
            lambda got: {r["id"] for r in got if r["attempt"] == 2} == set(expected), timeout=60
        )
        assert done, receiver.received
    by_id = {}
    for message in receiver.received:
        assert message["verified"] == [endpoint.secret]
        by_id.setdefault(message["id"], []).append(message)
    assert set(by_id) == set(expected)
    for messages in by_id.values():
        assert [m["attempt"] for m in messages] == [1, 2]
        assert messages[0]["payload"] == messages[1]["payload"]
    statuses = [m[0]["payload"]["data"]["data"]["to"] for m in by_id.values()]
    assert sorted(statuses) == ["exploring", "prototyping"]

    def settled() -> bool:
        """The worker records the outcome just after the receiver answered. A fresh query
        on each poll: a QuerySet keeps its first answer."""
        done = set(Delivery.objects.values_list("status", flat=True)) == {"done"}
        return done and Attempt.objects.count() >= 4

    wait_until(settled, 10, "deliveries marked done")
    assert Attempt.objects.count() == 4
