"""Weekly digests: each person's preferences, and one delivery per person and week.

A :class:`DigestDelivery` is durable work (``core.durable``): written before anything is
sent, claimed by the worker that builds and mails it, marked done after. It keeps what was
sent (the archive) and whether the week was skipped for having nothing in it.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from core.durable import DurableWork, WorkStatus


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


def validate_time_zone(name: str) -> None:
    if name not in zoneinfo.available_timezones():
        raise ValidationError("Choose a time zone from the list (e.g. Europe/Berlin).")


def default_time_zone() -> str:
    return settings.TIME_ZONE


class DigestPreference(models.Model):
    """When and whether a person gets the weekly digest, and which projects they muted.

    A person without a row gets the defaults: on, Monday 08:00, the site's time zone.
    """

    DEFAULT_WEEKDAY = Weekday.MONDAY
    DEFAULT_HOUR = 8

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference"
    )
    enabled = models.BooleanField(default=True, verbose_name="Send me the weekly digest")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=DEFAULT_WEEKDAY)
    hour = models.PositiveSmallIntegerField(
        default=DEFAULT_HOUR,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
        help_text="The hour it arrives, in your time zone (0 to 23).",
    )
    time_zone = models.CharField(
        max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    muted_projects = models.ManyToManyField(
        "projects.Project", blank=True, related_name="+", help_text="Leave these out."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="digestpref_weekday"
            ),
            models.CheckConstraint(
                condition=models.Q(hour__gte=0, hour__lte=23), name="digestpref_hour"
            ),
        ]

    def __str__(self) -> str:
        return f"Digest of {self.user}"


class _Seconds:
    """A class attribute read from a setting of seconds each time it is used."""

    def __init__(self, setting: str) -> None:
        self.setting = setting

    def __get__(self, instance, owner) -> datetime.timedelta:
        return datetime.timedelta(seconds=getattr(settings, self.setting))


class Result(models.TextChoices):
    """What a finished delivery did: mailed the digest, or found nothing to say."""

    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped (nothing this week)"


class DigestDelivery(DurableWork):
    """One person's digest for one week (the Monday of the ISO week it is sent in).

    Unique per person and week: the hourly job, the command, a second beat or a redelivered
    task cannot make a second one. ``period_start``/``period_end`` are the seven days it
    covers, ending at the person's send time. The rendered message is kept once built.
    """

    max_attempts = 5
    # From settings, read when used: tests shorten them to exercise takeovers and retries.
    claim_timeout = _Seconds("DIGEST_CLAIM_TIMEOUT_SECONDS")
    retry_delay = _Seconds("DIGEST_RETRY_SECONDS")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_deliveries"
    )
    week = models.DateField(help_text="The Monday of the ISO week the digest is for.")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    result = models.CharField(max_length=10, choices=Result.choices, blank=True, editable=False)
    subject = models.CharField(max_length=300, blank=True, editable=False)
    text_body = models.TextField(blank=True, editable=False)
    html_body = models.TextField(blank=True, editable=False)
    recipient = models.EmailField(blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(DurableWork.Meta):
        ordering = ["-week", "user_id"]
        verbose_name_plural = "digest deliveries"
        constraints = [
            *DurableWork.Meta.constraints,
            models.UniqueConstraint(fields=["user", "week"], name="digest_once_per_week"),
        ]
        indexes = [
            *DurableWork.Meta.indexes,
            models.Index(fields=["week", "status"], name="digest_week_status"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.week_label}"

    def get_absolute_url(self) -> str:
        return reverse("digests:archive-detail", kwargs={"pk": self.pk})

    @property
    def week_label(self) -> str:
        year, number, _ = self.week.isocalendar()
        return f"{year}-W{number:02d}"

    @property
    def state(self) -> str:
        """pending, sending, sent, skipped or failed: the status people read."""
        if self.status == WorkStatus.DONE:
            return self.result or Result.SENT
        return self.status
