"""Demo data of the flags slice, called by ``manage.py seed_demo``. Idempotent.

Flags across the demo projects: most raised in research or prototype, a few late; one
critical flag still unacknowledged on the project in prototype, so the implementation gate
can be seen refusing. Written through the services, then backdated like the rest of the demo.
"""

from datetime import timedelta

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from activity.models import Activity
from projects.models import Phase, Project
from research.models import Idea

from . import services
from .models import Flag, FlagStatus, FlagStatusChange, Kind, Severity

# project slug, title, description, kind, severity, raised by, owner, phase when raised,
# days ago raised, idea title (or ""), then the steps: (status, days after raising, actor, note)
FLAGS = [
    (
        "customer-lifetime-value",
        "Training needs point-in-time joins in the feature store",
        "Order and support features leak the future unless joins respect the event time. "
        "The feature store only serves the latest value today.",
        Kind.DATA_PIPELINE,
        Severity.HIGH,
        "scientist",
        "dataeng",
        Phase.RESEARCH,
        70,
        "",
        [
            (FlagStatus.ACKNOWLEDGED, 1, "dataeng", ""),
            (FlagStatus.RESOLVED, 40, "dataeng", "As-of joins shipped in feature store 2.3."),
        ],
    ),
    (
        "customer-lifetime-value",
        "Scoring API must return an error band",
        "Account managers need the predicted value with its uncertainty; the serving API "
        "has a single float.",
        Kind.INTERFACE,
        Severity.MEDIUM,
        "scientist",
        "engineer",
        Phase.PROTOTYPE,
        45,
        "",
        [(FlagStatus.ACKNOWLEDGED, 2, "engineer", "")],
    ),
    (
        "customer-lifetime-value",
        "Nightly batch overruns the warehouse window",
        "Scoring every account takes 5 h on the shared warehouse; the window is 3 h.",
        Kind.PERFORMANCE,
        Severity.HIGH,
        "engineer",
        "engineer",
        Phase.IMPLEMENTATION,
        6,
        "",
        [],
    ),
    (
        "lookalike-audiences",
        "Consent flags missing from the ad-platform export",
        "Audiences may only include people who agreed to marketing use; the export has no "
        "consent column yet. Legal must sign off before anything goes live.",
        Kind.COMPLIANCE,
        Severity.CRITICAL,
        "engineer",
        "dataeng",
        Phase.PROTOTYPE,
        2,
        "first",
        [],
    ),
    (
        "lookalike-audiences",
        "Seed-list upload needs a backend endpoint",
        "Marketers upload seed lists by hand today; the campaign tool needs an upload API.",
        Kind.BACKEND_RETOOLING,
        Severity.MEDIUM,
        "scientist",
        "engineer",
        Phase.RESEARCH,
        30,
        "",
        [(FlagStatus.ACKNOWLEDGED, 3, "engineer", "")],
    ),
    (
        "storage-telemetry-optimisation",
        "SMART telemetry is sampled only hourly",
        "Failure precursors show in minutes; hourly samples hide them. Needs a 5-minute "
        "pipeline from the device fleet.",
        Kind.DATA_PIPELINE,
        Severity.HIGH,
        "scientist",
        "dataeng",
        Phase.RESEARCH,
        9,
        "",
        [(FlagStatus.ACKNOWLEDGED, 5, "dataeng", "")],
    ),
    (
        "support-demand-forecast",
        "Queue ids differ between the two ticketing systems",
        "The forecast is per queue; the old and new ticketing systems name queues differently.",
        Kind.INTERFACE,
        Severity.MEDIUM,
        "scientist",
        "dataeng",
        Phase.PROTOTYPE,
        80,
        "",
        [
            (FlagStatus.ACKNOWLEDGED, 1, "dataeng", ""),
            (FlagStatus.RESOLVED, 12, "dataeng", "A mapping table is maintained by support ops."),
        ],
    ),
    (
        "churn-early-warning",
        "Inference wants a GPU in production",
        "The sequence model scores in 40 ms on a GPU and 900 ms on our CPU nodes.",
        Kind.INFRASTRUCTURE,
        Severity.HIGH,
        "engineer",
        "engineer",
        Phase.IMPLEMENTATION,
        80,
        "",
        [
            (FlagStatus.ACKNOWLEDGED, 1, "engineer", ""),
            (
                FlagStatus.ACCEPTED_RISK,
                9,
                "manager",
                "CPU latency is within budget after quantisation; revisit at 2x traffic.",
            ),
        ],
    ),
]


def _backdate(flag: Flag, raised_at, phase: str, steps: list[tuple]) -> None:
    """Move the flag, its history and its events to the days the demo says."""
    times = [raised_at] + [raised_at + timedelta(days=days) for _, days, _, _ in steps]
    changes = list(FlagStatusChange.objects.filter(flag=flag).order_by("created_at", "id"))
    for change, moment in zip(changes, times, strict=False):
        FlagStatusChange.objects.filter(pk=change.pk).update(created_at=moment)
    events = Activity.objects.filter(
        target_type=ContentType.objects.get_for_model(Flag), target_id=flag.pk
    ).order_by("created_at", "id")
    for event, moment in zip(list(events), times, strict=False):
        Activity.objects.filter(pk=event.pk).update(created_at=moment)
    fields = {"created_at": raised_at, "opened_at": raised_at, "raised_in_phase": phase}
    for status, days, _, _ in steps:
        if status == FlagStatus.ACKNOWLEDGED:
            fields["acknowledged_at"] = raised_at + timedelta(days=days)
        elif status in (FlagStatus.RESOLVED, FlagStatus.ACCEPTED_RISK):
            fields["closed_at"] = raised_at + timedelta(days=days)
    Flag.objects.filter(pk=flag.pk).update(**fields)


def seed(*, stdout) -> None:
    """Create the demo flags unless they exist."""
    users = {user.username: user for user in User.objects.all()}
    if "manager" not in users:
        stdout.write("Flags seed skipped: no users yet.")
        return
    now = timezone.now()
    created = 0
    for (
        slug,
        title,
        description,
        kind,
        severity,
        raiser,
        owner,
        phase,
        days_ago,
        idea_title,
        steps,
    ) in FLAGS:
        project = Project.objects.filter(slug=slug).first()
        if project is None or Flag.objects.filter(project=project, title=title).exists():
            continue
        idea = None
        if idea_title == "first":
            idea = Idea.objects.filter(board__project=project).order_by("board", "position").first()
        with transaction.atomic():
            flag = services.flag_raise(
                project=project,
                title=title,
                description=description,
                kind=kind,
                severity=severity,
                actor=users.get(raiser, users["manager"]),
                idea=idea,
                owner=users.get(owner),
                external_blocker="Legal" if severity == "critical" else "",
            )
            for status, _days, actor, note in steps:
                flag = services.flag_transition(
                    flag=flag, to=status, actor=users.get(actor, users["manager"]), note=note
                )
            _backdate(flag, now - timedelta(days=days_ago), phase, steps)
        created += 1
    stdout.write(f"Flags: {created} created.")
