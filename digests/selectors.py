"""Reads of the digests app: whose digest is due (decided in SQL, per time zone), what a
person's week holds (from the sections the other apps register), and the archive."""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import BooleanField, Exists, IntegerField, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.registries import DigestContext, digest_projects, digest_sections

from .models import DigestDelivery, DigestPreference


@dataclass(frozen=True)
class Schedule:
    """A person's send time for one week: the week (its Monday, in their time zone), the
    moment the digest is due, and the seven days it covers (ending at that moment)."""

    week: datetime.date
    due: datetime.datetime
    start: datetime.datetime
    end: datetime.datetime


def week_monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def parse_week(text: str) -> datetime.date:
    """``2026-W48`` → the Monday of that ISO week; ``ValueError`` for anything else."""
    year, _, number = text.strip().upper().partition("-W")
    return datetime.date.fromisocalendar(int(year), int(number), 1)


def schedule_for(week: datetime.date, *, weekday: int, hour: int, tz_name: str) -> Schedule:
    """The send time in ``week`` of someone who asked for ``weekday`` at ``hour`` in
    ``tz_name``. Local wall-clock arithmetic, so a week across a daylight-saving change is
    still seven local days (167 or 169 hours)."""
    tz = zoneinfo.ZoneInfo(tz_name)
    day = week + datetime.timedelta(days=weekday)
    due = datetime.datetime.combine(day, datetime.time(hour), tzinfo=tz)
    start = datetime.datetime.combine(
        day - datetime.timedelta(days=7), datetime.time(hour), tzinfo=tz
    )
    return Schedule(
        week=week,
        due=due.astimezone(datetime.UTC),
        start=start.astimezone(datetime.UTC),
        end=due.astimezone(datetime.UTC),
    )


def people_with_settings() -> QuerySet[User]:
    """Active people with an email address, annotated with their digest settings (the
    defaults where they never chose)."""
    pref = "digest_preference__"
    return (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .annotate(
            digest_enabled=Coalesce(f"{pref}enabled", Value(True), output_field=BooleanField()),
            digest_weekday=Coalesce(
                f"{pref}weekday",
                Value(DigestPreference.DEFAULT_WEEKDAY),
                output_field=IntegerField(),
            ),
            digest_hour=Coalesce(
                f"{pref}hour", Value(DigestPreference.DEFAULT_HOUR), output_field=IntegerField()
            ),
            digest_tz=Coalesce(f"{pref}time_zone", Value(settings.TIME_ZONE)),
        )
    )


def due_people(now: datetime.datetime | None = None) -> list[tuple[int, Schedule]]:
    """Everyone whose digest for this week (in their time zone) is due by ``now`` and not yet
    made: ``[(user id, schedule), ...]``.

    Decided in SQL, one query per time zone in use: within one zone everyone shares the
    local week, weekday and hour, so "due" is ``weekday < today or (weekday = today and
    hour <= this hour)``, and "not yet made" is no delivery row for that week. A digest due
    earlier in the week but missed (the job did not run) is still due.
    """
    now = now or timezone.now()
    zones = set(DigestPreference.objects.values_list("time_zone", flat=True).distinct())
    zones.add(settings.TIME_ZONE)
    due: list[tuple[int, Schedule]] = []
    for tz_name in sorted(zones):
        local = now.astimezone(zoneinfo.ZoneInfo(tz_name))
        week = week_monday(local.date())
        made = DigestDelivery.objects.filter(user=OuterRef("pk"), week=week)
        rows = (
            people_with_settings()
            .filter(digest_enabled=True, digest_tz=tz_name)
            .filter(
                Q(digest_weekday__lt=local.weekday())
                | Q(digest_weekday=local.weekday(), digest_hour__lte=local.hour)
            )
            .exclude(Exists(made))
            .values_list("pk", "digest_weekday", "digest_hour")
        )
        for pk, weekday, hour in rows:
            due.append((pk, schedule_for(week, weekday=weekday, hour=hour, tz_name=tz_name)))
    return due


def person_schedule(person: User, week: datetime.date) -> Schedule:
    """``person``'s send time in ``week`` by their settings (defaults where none)."""
    pref = DigestPreference.objects.filter(user=person).first()
    return schedule_for(
        week,
        weekday=pref.weekday if pref else DigestPreference.DEFAULT_WEEKDAY,
        hour=pref.hour if pref else DigestPreference.DEFAULT_HOUR,
        tz_name=pref.time_zone if pref else settings.TIME_ZONE,
    )


def current_week_for(person: User, now: datetime.datetime | None = None) -> datetime.date:
    pref = DigestPreference.objects.filter(user=person).first()
    tz = zoneinfo.ZoneInfo(pref.time_zone if pref else settings.TIME_ZONE)
    return week_monday((now or timezone.now()).astimezone(tz).date())


@dataclass
class BuiltDigest:
    """A person's week: the non-empty sections in order, and the subject's counts."""

    ctx: DigestContext
    sections: list[dict]

    @property
    def empty(self) -> bool:
        return not self.sections

    def counts(self) -> list[str]:
        words = []
        for section in self.sections:
            noun = section["noun"]
            count = section["count"]
            if noun and count:
                words.append(f"{count} {noun[0] if count == 1 else noun[1]}")
        return words


def digest_build(
    person: User,
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    shared: dict | None = None,
) -> BuiltDigest:
    """What ``person``'s digest holds for the week ``start``..``end``: every registered
    section that has something to say, on their projects less the muted ones.

    A fixed number of queries whatever the amount of activity: the person's projects (one
    per contributing app), their muted projects, and each section's own (fixed) queries.
    """
    pref = DigestPreference.objects.filter(user=person).first()
    tz = zoneinfo.ZoneInfo(pref.time_zone if pref else settings.TIME_ZONE)
    muted = set(pref.muted_projects.values_list("pk", flat=True)) if pref else set()
    project_ids = frozenset(digest_projects(person, start, end) - muted)
    ctx = DigestContext(
        person=person,
        start=start,
        end=end,
        today=end.astimezone(tz).date(),
        project_ids=project_ids,
        site_url=settings.SITE_URL,
        shared=shared if shared is not None else {},
    )
    sections = []
    for section in digest_sections():
        built = section.build(ctx)
        if not built:
            continue
        items = built.get("items", []) if isinstance(built, dict) else built
        groups = built.get("groups", []) if isinstance(built, dict) else []
        count = built.get("count", len(items)) if isinstance(built, dict) else len(items)
        sections.append(
            {
                "key": section.key,
                "title": section.title,
                "items": items,
                "groups": groups,
                "count": count,
                "noun": section.noun,
                "template": section.template,
                "text_template": section.text_template,
            }
        )
    return BuiltDigest(ctx=ctx, sections=sections)


def deliveries_of(person: User) -> QuerySet[DigestDelivery]:
    """A person's digests, newest week first (the archive)."""
    return DigestDelivery.objects.filter(user=person).order_by("-week", "-id")


def delivery_list() -> QuerySet[DigestDelivery]:
    return DigestDelivery.objects.select_related("user").order_by("-week", "user_id")


def preview_period(
    person: User, now: datetime.datetime | None = None
) -> tuple[Schedule, datetime.datetime, datetime.datetime]:
    """What the person's next digest holds so far: from their last send time to now."""
    now = now or timezone.now()
    week = current_week_for(person, now)
    schedule = person_schedule(person, week)
    start = schedule.end if schedule.end <= now else schedule.start
    return schedule, start, now
