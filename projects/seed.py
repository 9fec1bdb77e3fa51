"""Demo data of the projects slice, called by ``manage.py seed_demo``. Idempotent.

Everything goes through the services (so the activity log is real) and every date is
relative to today, so the demo always looks current: past, current and planned rotations,
someone rolling off soon, an over-allocated week, unfilled demand, takeaways.
"""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from accounts.models import Discipline, Role
from accounts.seed import seed_people
from activity.models import Activity, EventType
from activity.services import activity_backdate
from core.registries import gate_problems

from . import services
from .models import Phase, PhaseChange, Project, Rotation, Takeaway

# username, first, last, discipline, role: joins the six people seed_demo creates.
MORE_PEOPLE = [
    ("priya", "Priya", "Raman", Discipline.DATA_SCIENTIST, Role.MEMBER),
    ("tomas", "Tomás", "Berg", Discipline.DATA_SCIENTIST, Role.MEMBER),
    ("lena", "Lena", "Fischer", Discipline.SOFTWARE_ENGINEER, Role.MEMBER),
    ("kofi", "Kofi", "Mensah", Discipline.DATA_ENGINEER, Role.MEMBER),
    ("ines", "Inês", "Duarte", Discipline.PRODUCT_MANAGER, Role.MANAGER),
    ("raj", "Raj", "Patel", Discipline.SOFTWARE_ENGINEER, Role.MEMBER),
]

# The path from research to each phase, for walking a project there through the service.
PATH = {
    Phase.RESEARCH: [],
    Phase.PROTOTYPE: [Phase.PROTOTYPE],
    Phase.IMPLEMENTATION: [Phase.PROTOTYPE, Phase.IMPLEMENTATION],
    Phase.RELEASED: [Phase.PROTOTYPE, Phase.IMPLEMENTATION, Phase.RELEASED],
    Phase.MONITORING: [Phase.PROTOTYPE, Phase.IMPLEMENTATION, Phase.RELEASED, Phase.MONITORING],
    Phase.ARCHIVED: [Phase.ARCHIVED],
}

# Days between the seeded phase changes (the newest is this many days ago).
PHASE_DAYS = 30

# slug, name, summary, customer value, PM, release in days, health, phase, targets
PROJECTS = [
    (
        "customer-lifetime-value",
        "Customer lifetime value model",
        "Predict each customer's 12-month value so marketing and success can prioritise.",
        "Account teams spend their time on the customers who will matter most.",
        "ines",
        45,
        "at_risk",
        Phase.IMPLEMENTATION,
        [
            ("target", "Rank accounts by predicted 12-month value with a calibrated error band."),
            ("scenario", "An account manager opens a customer and sees its value and why."),
        ],
    ),
    (
        "lookalike-audiences",
        "Lookalike-audience model",
        "Find prospects who resemble our best customers for paid campaigns.",
        "Cheaper acquisition of customers who stay.",
        "ines",
        90,
        "on_track",
        Phase.PROTOTYPE,
        [
            ("target", "Lift campaign conversion by 10 % over interest targeting."),
            ("scenario", "A marketer builds an audience from a seed list in under a minute."),
        ],
    ),
    (
        "storage-telemetry-optimisation",
        "Storage telemetry optimisation engine",
        "Use device telemetry to recommend storage tiering and cut waste.",
        "Customers pay less for storage without losing performance.",
        "manager",
        150,
        "on_track",
        Phase.RESEARCH,
        [("target", "Recommend a tier change that saves 15 % for half of large accounts.")],
    ),
    (
        "churn-early-warning",
        "Churn early warning",
        "Flag accounts likely to churn a month ahead.",
        "Success teams reach unhappy customers before they leave.",
        "manager",
        -60,
        "on_track",
        Phase.MONITORING,
        [("target", "Catch 60 % of churners 30 days ahead at 20 % precision.")],
    ),
    (
        "support-demand-forecast",
        "Support demand forecast",
        "Forecast ticket volume per queue two weeks ahead for staffing.",
        "Shorter waits for customers during peaks.",
        "ines",
        -10,
        "on_track",
        Phase.RELEASED,
        [("scenario", "A support lead plans next fortnight's rota from the forecast.")],
    ),
    (
        # Past its target release in prototype: the portfolio's overdue mark and roadmap.
        "search-ranking-refresh",
        "Search ranking refresh",
        "Re-rank help-centre search results from what readers actually open.",
        "Customers find the right article on the first try.",
        "ines",
        -12,
        "off_track",
        Phase.PROTOTYPE,
        [("target", "Raise first-click success on help search from 41 % to 55 %.")],
    ),
    (
        "fraud-signal-scoring",
        "Fraud signal scoring",
        "Score sign-ups for fraud risk from device and payment signals.",
        "Fewer chargebacks for merchants.",
        "manager",
        None,
        "off_track",
        Phase.ARCHIVED,
        [("target", "Block 80 % of fraudulent sign-ups with under 1 % false positives.")],
    ),
]

# project slug, person (None: placeholder), role, start (days), planned end (days or None:
# the project's release), allocation
ROTATIONS = [
    ("customer-lifetime-value", "scientist", "Data scientist", -60, None, 100),
    ("customer-lifetime-value", "engineer", "Backend engineer", -30, None, 60),
    ("customer-lifetime-value", "priya", "Data scientist", -90, 10, 50),
    ("customer-lifetime-value", None, "ML engineer", 7, None, 50),
    ("lookalike-audiences", "tomas", "Data scientist", -20, None, 80),
    ("lookalike-audiences", "dataeng", "Data engineer", -10, 60, 40),
    ("lookalike-audiences", None, "Data scientist", 14, None, 100),
    ("storage-telemetry-optimisation", "lena", "Software engineer", -5, None, 50),
    ("storage-telemetry-optimisation", "raj", "Software engineer", 21, None, 100),
    ("storage-telemetry-optimisation", "priya", "Data scientist", -14, 40, 60),
    ("churn-early-warning", "scientist", "Data scientist", -200, -70, 100),
    ("churn-early-warning", "kofi", "Data engineer", -180, -90, 50),
    ("support-demand-forecast", "tomas", "Data scientist", -150, -25, 100),
    ("support-demand-forecast", "raj", "Software engineer", -100, -12, 80),
    # Still running when the project is released: released today, so Eli is asked for a takeaway.
    ("support-demand-forecast", "engineer", "Backend engineer", -40, 30, 40),
    ("search-ranking-refresh", "lena", "Software engineer", -70, 20, 50),
    ("search-ranking-refresh", None, "Data scientist", 10, 60, 100),
    ("fraud-signal-scoring", "kofi", "Data engineer", -300, -200, 60),
]

# author, project slug, title, markdown, tags
TAKEAWAYS = [
    (
        "scientist",
        "churn-early-warning",
        "Time-based splits or it did not happen",
        "Random splits leaked next-month behaviour into training. With **time-based** splits "
        "the AUC dropped from 0.91 to 0.78 — the honest number.\n\n- Split by event time\n"
        "- Freeze features at prediction time",
        "leakage, validation",
    ),
    (
        "tomas",
        "support-demand-forecast",
        "Agree the serving interface before the model",
        "We rebuilt the forecast twice because the staffing tool wanted per-queue *hourly* "
        "numbers. Ask engineering for the interface in week one.",
        "interfaces, engineering",
    ),
    (
        "kofi",
        "churn-early-warning",
        "Event tables need late-arrival handling",
        "A fifth of support events arrive a day late. Backfills are now part of the pipeline "
        "contract.",
        "data-quality, pipelines",
    ),
    (
        "raj",
        "support-demand-forecast",
        "Shadow mode first",
        "Two weeks in shadow mode found a timezone bug no offline test would have caught.",
        "deployment, monitoring",
    ),
    (
        "priya",
        None,
        "Notebook results are not launch results",
        "Label a result with its maturity: a notebook win is a hypothesis until it is "
        "validated offline on fresh data and A/B tested.",
        "expectations, validation",
    ),
]


def _person(username: str | None) -> User | None:
    return User.objects.get(username=username) if username else None


def seed(*, stdout) -> None:
    """Create the demo people, projects, targets, rotations and takeaways unless they exist."""
    seed_people(MORE_PEOPLE)
    actor = User.objects.get(username="manager")
    today = timezone.localdate()

    def day(offset: int) -> datetime.date:
        return today + datetime.timedelta(days=offset)

    created = 0
    for slug, name, summary, value, pm, release, health, phase, targets in PROJECTS:
        if Project.objects.filter(slug=slug).exists():
            continue
        created += 1
        project = services.project_create(
            actor=actor,
            name=name,
            slug=slug,
            summary=summary,
            customer_value=value,
            product_manager=_person(pm),
            target_release=day(release) if release is not None else None,
            health=health,
        )
        project.members.add(_person(pm))
        for kind, text in targets:
            services.target_create(project=project, actor=actor, kind=kind, text=text)
        for project_slug, person, role, start, end, allocation in ROTATIONS:
            if project_slug != slug:
                continue
            services.rotation_create(
                actor=actor,
                project=project,
                person=_person(person),
                role=role,
                start=day(start),
                planned_end=day(end) if end is not None else None,
                allocation=allocation,
            )
        # Dated like the rest of the demo: set up a phase before the first move.
        started_at = timezone.now() - datetime.timedelta(days=PHASE_DAYS * (len(PATH[phase]) + 1))
        Project.objects.filter(pk=project.pk).update(created_at=started_at)
        Activity.objects.filter(project=project).update(created_at=started_at)
        for step, to in enumerate(PATH[phase]):
            # Later slices' gates (e.g. a promoted idea) may not be seeded yet.
            problems = gate_problems(project, to)
            services.project_change_phase(
                project=project,
                to=to,
                actor=actor,
                note=f"Demo: moved to {Phase(to).label}.",
                override_reason="Demo history seeded before its evidence." if problems else "",
            )
            # Dated like the rest of the demo: a phase a month, the last one a month ago.
            days_ago = PHASE_DAYS * (len(PATH[phase]) - step)
            moved_at = timezone.now() - datetime.timedelta(days=days_ago)
            PhaseChange.objects.filter(project=project, to_phase=to).update(created_at=moved_at)
            Activity.objects.filter(
                project=project, event=EventType.PROJECT_PHASE_CHANGED, data__to=to
            ).update(created_at=moved_at)
        for author, project_slug, title, text, tags in TAKEAWAYS:
            if project_slug != slug:
                continue
            author_user = _person(author)
            rotation = Rotation.objects.filter(person=author_user, project=project).first()
            services.takeaway_create(
                actor=author_user,
                title=title,
                text=text,
                tags=tags,
                project=project,
                rotation=rotation,
            )
    for author, project_slug, title, text, tags in TAKEAWAYS:
        author_user = _person(author)
        if project_slug is None and not author_user.takeaways.filter(title=title).exists():
            services.takeaway_create(actor=author_user, title=title, text=text, tags=tags)
    if created:
        _spread_takeaways()
    stdout.write(f"Projects: {created} demo projects created.")


def _spread_takeaways() -> None:
    """Date the demo takeaways a few days apart over the past weeks, newest last in the list,
    like the rest of the demo (they were all written when the seed ran)."""
    takeaways = list(Takeaway.objects.order_by("-id"))
    for index, takeaway in enumerate(takeaways):
        moment = timezone.now() - datetime.timedelta(days=2 + 5 * index, hours=3 * index)
        Takeaway.objects.filter(pk=takeaway.pk).update(created_at=moment, updated_at=moment)
        activity_backdate(target=takeaway, moments=[moment])
