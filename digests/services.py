"""Every write of the digests app: preferences, (un)subscribing, scheduling the week's
deliveries, and sending one (the durable-work handler)."""

import datetime
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Role
from accounts.permissions import user_has_role
from core.durable import WorkStatus
from core.queue import enqueue_on_commit
from core.services import apply_changes, full_clean

from . import emails
from .models import DigestDelivery, DigestPreference, Result
from .selectors import (
    Schedule,
    digest_build,
    due_people,
    people_with_settings,
    person_schedule,
)

PREFERENCE_EDITABLE_FIELDS = ("enabled", "weekday", "hour", "time_zone", "muted_projects")
NOT_YOURS = "You can only change your own digest settings."
# How far back the hourly job gives failed deliveries another go (this week and last).
RETRY_FAILED_DAYS = 8


# The cache the digests of one batch share (``digests_send_batch``): sections that are the
# same for everyone in a week (the takeaways) are queried once per batch.
batch_cache: ContextVar[dict | None] = ContextVar("digest_batch_cache", default=None)


SMTP_CONNECTION = "digests.smtp"  # the batch's open mail connection, in the batch cache


def _preference(person: User) -> DigestPreference:
    preference, _ = DigestPreference.objects.get_or_create(user=person)
    return preference


@transaction.atomic
def preference_update(*, person: User, actor: User, **changes: Any) -> DigestPreference:
    """Change ``person``'s digest settings: themselves or an admin. Refuses an unknown time
    zone, an hour outside 0 to 23 and a weekday outside Monday to Sunday as field messages."""
    if actor.pk != person.pk and not user_has_role(actor, Role.ADMIN):
        raise PermissionDenied(NOT_YOURS)
    unknown = set(changes) - set(PREFERENCE_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({field: "This field cannot be changed here." for field in unknown})
    preference = DigestPreference.objects.select_for_update().filter(user=person).first()
    preference = preference or _preference(person)
    muted = changes.pop("muted_projects", None)
    changed = apply_changes(preference, changes)
    full_clean(preference)
    if changed:
        preference.save()
    if muted is not None:
        preference.muted_projects.set(muted)
    return preference


def digest_unsubscribe(*, person: User) -> DigestPreference:
    """Turn the digest off (the one-click link: no login, the signed token names them)."""
    return preference_update(person=person, actor=person, enabled=False)


def digest_resubscribe(*, person: User) -> DigestPreference:
    return preference_update(person=person, actor=person, enabled=True)


def _enqueue_batches(ids: list[int]) -> None:
    from django.conf import settings

    size = max(settings.DIGEST_BATCH_SIZE, 1)
    for first in range(0, len(ids), size):
        enqueue_on_commit("digests_send_batch", ids[first : first + size])


@transaction.atomic
def _create_deliveries(due: list[tuple[int, Schedule]]) -> list[int]:
    """Write a pending delivery per (person, schedule); a row that exists (another run made
    it) is left alone. Returns the ids of the pending rows of these people and weeks."""
    rows = [
        DigestDelivery(
            user_id=user_id,
            week=schedule.week,
            period_start=schedule.start,
            period_end=schedule.end,
        )
        for user_id, schedule in due
    ]
    DigestDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    ids: list[int] = []
    by_week: dict[datetime.date, list[int]] = {}
    for user_id, schedule in due:
        by_week.setdefault(schedule.week, []).append(user_id)
    for week, users in by_week.items():
        ids += DigestDelivery.objects.filter(
            week=week, user_id__in=users, status=WorkStatus.PENDING
        ).values_list("pk", flat=True)
    _enqueue_batches(sorted(ids))
    return ids


def digests_schedule(*, now: datetime.datetime | None = None) -> int:
    """The hourly job: a pending delivery for everyone whose send time this week has come
    (in their time zone) and who has none yet, sent in batches by the workers; failed
    deliveries of the last week get another go. Running it twice, or in two beats at once,
    makes no second delivery (unique per person and week). Returns how many it queued."""
    now = now or timezone.now()
    ids = _create_deliveries(due_people(now))
    with transaction.atomic():
        retry = list(
            DigestDelivery.objects.select_for_update(skip_locked=True)
            .filter(
                status=WorkStatus.FAILED,
                week__gte=(now - datetime.timedelta(days=RETRY_FAILED_DAYS)).date(),
            )
            .values_list("pk", flat=True)
        )
        if retry:
            DigestDelivery.objects.filter(pk__in=retry).update(
                status=WorkStatus.PENDING, attempts=0, next_attempt_at=now
            )
            _enqueue_batches(retry)
    return len(ids) + len(retry)


def digests_send_week(
    *, week: datetime.date, person: User | None = None, now: datetime.datetime | None = None
) -> list[int]:
    """``send_digests --week``: that week's digest now for everyone (or ``person``) who has
    not had it, whatever their send hour; the week ends at their send time or now,
    whichever is earlier. Returns the ids of the deliveries queued."""
    now = now or timezone.now()
    people = people_with_settings().filter(digest_enabled=True)
    if person is not None:
        people = people.filter(pk=person.pk)
    due = []
    for user in people:
        schedule = person_schedule(user, week)
        end = min(schedule.end, now)
        due.append((user.pk, Schedule(week=week, due=end, start=schedule.start, end=end)))
    return _create_deliveries(due)


def digest_send(delivery: DigestDelivery, *, shared: dict | None = None) -> None:
    """Build and mail one delivery: the handler of the ``DigestDelivery`` durable work.

    ``core.durable`` calls it on a row this process claimed and marks the row done right
    after it returns (one UPDATE): between the SMTP server accepting the message and that
    statement is the only moment a crash can cause a second email. A week with nothing in
    it sends nothing and is recorded as skipped. SMTP errors propagate (``OSError``:
    retried with backoff, then failed).
    """
    person = User.objects.select_related("profile").get(pk=delivery.user_id)
    shared = shared if shared is not None else batch_cache.get()
    digest = digest_build(
        person, start=delivery.period_start, end=delivery.period_end, shared=shared
    )
    rows = DigestDelivery.objects.filter(pk=delivery.pk)
    if digest.empty or not person.email:
        rows.update(result=Result.SKIPPED)
        return
    message = emails.render(digest, week_label=_week_label(delivery.week))
    # The archive and the outcome are written before sending: marking the row done after the
    # send is then a single statement.
    rows.update(
        result=Result.SENT,
        subject=message["subject"],
        text_body=message["text"],
        html_body=message["html"],
        recipient=person.email,
    )
    emails.send(
        to=person.email,
        subject=message["subject"],
        text=message["text"],
        html=message["html"],
        user_id=person.pk,
        connection=(shared or {}).get(SMTP_CONNECTION),
    )


def _week_label(week: datetime.date) -> str:
    year, number, _ = week.isocalendar()
    return f"week {number}" if year == timezone.localdate().year else f"week {number} of {year}"


@transaction.atomic
def delivery_retry(*, delivery: DigestDelivery, actor: User) -> DigestDelivery:
    """Give a failed delivery another go now (admins)."""
    if not user_has_role(actor, Role.ADMIN):
        raise PermissionDenied("Only admins may retry digest deliveries.")
    updated = DigestDelivery.objects.filter(pk=delivery.pk, status=WorkStatus.FAILED).update(
        status=WorkStatus.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        last_error=F("last_error"),
    )
    if not updated:
        raise ValidationError("Only a failed delivery can be retried.")
    _enqueue_batches([delivery.pk])
    return DigestDelivery.objects.get(pk=delivery.pk)
