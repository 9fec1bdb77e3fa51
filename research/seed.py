"""Demo data of the research slice, called by ``manage.py seed_demo``. Idempotent.

Three boards (one per demo project) with realistic metrics (AUC, RMSE, latency, ...),
about twenty ideas in every status, and metric readings over the last eight weeks
(relative to today), so the funnel narrows and the progress columns have something to say.
Everything is written through the services, then backdated.
"""

import random
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from activity.services import activity_backdate
from core.text import counted
from projects.models import Project

from . import services
from .models import Board, Idea, IdeaStatusChange, Reading, Status

PROJECTS = {
    "customer-lifetime-value": (
        "Customer lifetime value",
        "Predict each customer's 12-month value so marketing spends where it pays back.",
    ),
    "lookalike-audiences": (
        "Lookalike audiences",
        "Find prospects who resemble our best customers for paid campaigns.",
    ),
    "storage-telemetry-optimisation": (
        "Storage telemetry optimiser",
        "Predict disk failures from SMART telemetry and move data before they happen.",
    ),
}

# (status, days ago) paths; the last entry is where the idea is now.
PATH_PROMOTED = [("exploring", 50), ("prototyping", 38), ("shortlisted", 21), ("promoted", 6)]
PATH_SHORTLISTED = [("exploring", 47), ("prototyping", 33), ("shortlisted", 12)]
PATH_PROTOTYPING = [("exploring", 40), ("prototyping", 18)]
PATH_EXPLORING = [("exploring", 15)]
PATH_PROPOSED: list = []
PATH_DROPPED_EARLY = [("exploring", 45), ("dropped", 30)]
PATH_DROPPED_LATE = [("exploring", 52), ("prototyping", 36), ("dropped", 9)]

# board: project slug, title, question, gain bar, metrics, ideas
# metric: name, unit, direction, baseline, target, noise
# idea: title, hypothesis, owner, maturity, path, final quality (relative gain, e.g. 0.05)
BOARDS = [
    (
        "customer-lifetime-value",
        "Predict 12-month CLV",
        "Which model predicts next-year customer value accurately enough to set budgets?",
        3.0,
        [
            ("RMSE", "EUR", "lower", 182.0, 165.0, 2.0),
            ("Spearman rank correlation", "", "higher", 0.61, 0.68, 0.004),
            ("Scoring latency p95", "ms", "lower", 45.0, 40.0, 1.0),
        ],
        [
            (
                "Gradient-boosted trees on RFM features",
                "Recency, frequency and monetary "
                "features carry most of the signal; boosting captures their interactions.",
                "scientist",
                "ab_tested",
                PATH_PROMOTED,
                0.07,
                [
                    "Nightly RFM feature job",
                    "Serve LightGBM model behind the scoring API",
                    "Shadow-run against the baseline",
                ],
            ),
            (
                "BG/NBD + Gamma-Gamma probabilistic model",
                "A classic buy-till-you-die model is well calibrated and explainable to finance.",
                "scientist",
                "offline",
                PATH_SHORTLISTED,
                0.035,
                [],
            ),
            (
                "Sequence model over order history",
                "Order sequences hold seasonality the aggregates lose.",
                "dataeng",
                "notebook",
                PATH_PROTOTYPING,
                0.02,
                [],
            ),
            (
                "Add support-ticket sentiment",
                "Unhappy customers churn and spend less.",
                "scientist",
                "idea",
                PATH_EXPLORING,
                0.008,
                [],
            ),
            (
                "Quantile regression for uncertainty",
                "Budgets need ranges, not points.",
                "scientist",
                "idea",
                PATH_PROPOSED,
                0.0,
                [],
            ),
            (
                "Deep cross network",
                "Learned crosses beat hand-made ones.",
                "engineer",
                "notebook",
                PATH_DROPPED_LATE,
                -0.02,
                [],
            ),
            (
                "Household-level aggregation",
                "Customers share budgets within households.",
                "dataeng",
                "idea",
                PATH_DROPPED_EARLY,
                -0.01,
                [],
            ),
        ],
    ),
    (
        "lookalike-audiences",
        "Lookalike scoring model",
        "Can we rank prospects by similarity to top customers better than the vendor model?",
        2.0,
        [
            ("AUC", "", "higher", 0.781, 0.80, 0.003),
            ("Precision@1k", "", "higher", 0.32, 0.36, 0.006),
            ("Batch scoring time", "min", "lower", 42.0, 30.0, 0.8),
        ],
        [
            (
                # Promoted below the 2 % gain bar (about +1.2 % on AUC), with the promoter's
                # confirmation: the board and the idea's history show it.
                "Propensity model on CRM stages",
                "Sales-stage history is a cheap, explainable lookalike signal.",
                "scientist",
                "offline",
                PATH_PROMOTED,
                0.012,
                ["Nightly CRM stage export"],
            ),
            (
                "Two-tower embedding model",
                "Learned customer embeddings separate good prospects from the rest.",
                "scientist",
                "offline",
                PATH_SHORTLISTED,
                0.028,
                [],
            ),
            (
                "Positive-unlabelled learning",
                "Non-customers are not negatives; PU learning fixes the label noise.",
                "scientist",
                "notebook",
                PATH_PROTOTYPING,
                0.018,
                [],
            ),
            (
                "Graph features from referral network",
                "Referrals connect similar people.",
                "dataeng",
                "notebook",
                PATH_PROTOTYPING,
                0.012,
                [],
            ),
            (
                "Vendor firmographics enrichment",
                "Company size and sector sharpen B2B lookalikes.",
                "engineer",
                "idea",
                PATH_EXPLORING,
                0.005,
                [],
            ),
            (
                "Contrastive pre-training on clickstream",
                "Behaviour beats demographics.",
                "scientist",
                "idea",
                PATH_PROPOSED,
                0.0,
                [],
            ),
            (
                "k-NN on raw demographics",
                "Simple might be enough.",
                "scientist",
                "notebook",
                PATH_DROPPED_EARLY,
                -0.015,
                [],
            ),
        ],
    ),
    (
        "storage-telemetry-optimisation",
        "Disk failure prediction",
        "Can we predict disk failures 7 days ahead from SMART telemetry with few false alarms?",
        1.5,
        [
            ("Recall at 1% FPR", "", "higher", 0.42, 0.55, 0.006),
            ("AUC", "", "higher", 0.88, 0.92, 0.002),
            ("Inference latency p99", "ms", "lower", 8.0, 5.0, 0.2),
        ],
        [
            (
                "Survival model on SMART deltas",
                "Hazard rates from attribute changes predict failure timing.",
                "scientist",
                "ab_tested",
                PATH_PROMOTED,
                0.09,
                ["Stream SMART deltas to the feature store", "Alerting hook for at-risk disks"],
            ),
            (
                "LSTM over 30-day telemetry windows",
                "Temporal patterns precede failures.",
                "scientist",
                "offline",
                PATH_SHORTLISTED,
                0.045,
                [],
            ),
            (
                "Per-vendor calibration",
                "Vendors report SMART attributes differently.",
                "dataeng",
                "notebook",
                PATH_EXPLORING,
                0.01,
                [],
            ),
            (
                "Isolation forest anomaly score",
                "Failures look like anomalies.",
                "engineer",
                "notebook",
                PATH_DROPPED_LATE,
                -0.03,
                [],
            ),
            (
                "Workload-aware features",
                "Write-heavy disks wear out faster.",
                "dataeng",
                "idea",
                PATH_PROPOSED,
                0.0,
                [],
            ),
            (
                "Transfer learning from public Backblaze data",
                "More failures to learn from.",
                "scientist",
                "idea",
                PATH_PROPOSED,
                0.0,
                [],
            ),
            (
                "Rule-based SMART thresholds",
                "The vendor thresholds might be enough.",
                "engineer",
                "idea",
                PATH_DROPPED_EARLY,
                -0.05,
                [],
            ),
        ],
    ),
]

WEEKS = 8


def _people() -> dict[str, User]:
    users = {user.username: user for user in User.objects.all()}
    fallback = (
        users.get("admin")
        or User.objects.filter(is_superuser=True).first()
        or User.objects.order_by("pk").first()
    )
    return {
        name: users.get(name, fallback)
        for name in ("admin", "manager", "scientist", "engineer", "dataeng")
    }


def _readings(idea: Idea, metrics, quality: float, days: tuple[int, int], rng: random.Random, now):
    """Readings every other day between ``days`` (from, to) ago, trending to the quality."""
    start_days, end_days = days
    rows = []
    for metric, noise in metrics:
        for day in range(start_days, end_days - 1, -2):
            progress = 1 - day / max(start_days, 1)
            gain = quality * (0.3 + 0.7 * progress)  # early results start a little worse
            sign = 1 if metric.direction == "higher" else -1
            value = metric.baseline * (1 + sign * gain) + rng.gauss(0, noise)
            moment = now - timedelta(days=day, hours=rng.randint(0, 8))
            rows.append(
                Reading(
                    idea=idea,
                    metric=metric,
                    value=round(value, 4),
                    recorded_at=moment,
                    source=f"run-{rng.randint(1000, 9999)}" if day % 4 else "manual",
                    created_by=idea.owner,
                )
            )
    Reading.objects.bulk_create(rows, batch_size=1000)


# An idea whose training job logged one metric every 20 minutes with its step: more readings
# than a chart has points, so the demo shows a downsampled chart (and a spike kept in it).
TRAINING_RUN_IDEA = "BG/NBD + Gamma-Gamma probabilistic model"
TRAINING_RUN_READINGS = 2_000


def _training_run(idea: Idea, metric, quality: float, rng: random.Random, now) -> None:
    sign = 1 if metric.direction == "higher" else -1
    rows = []
    for step in range(TRAINING_RUN_READINGS):
        progress = step / TRAINING_RUN_READINGS
        value = metric.baseline * (1 + sign * quality * (0.2 + 0.8 * progress))
        value += rng.gauss(0, abs(metric.baseline) * 0.004)
        if step == TRAINING_RUN_READINGS // 3:  # a diverging batch the chart must not hide
            value -= sign * abs(metric.baseline) * 0.2
        rows.append(
            Reading(
                idea=idea,
                metric=metric,
                value=round(value, 4),
                recorded_at=now - timedelta(minutes=20 * (TRAINING_RUN_READINGS - step)),
                source="train-run-7",
                step=step,
                created_by=idea.owner,
            )
        )
    Reading.objects.bulk_create(rows, batch_size=1000)


@transaction.atomic
def seed(*, stdout) -> None:
    """Create the demo boards, metrics, ideas and readings unless they exist."""
    people = _people()
    if people["manager"] is None:
        stdout.write("Research seed skipped: no users yet.")
        return
    manager = people["manager"]
    now = timezone.now()
    created = 0
    for slug, title, question, gain_bar, metric_specs, idea_specs in BOARDS:
        name, summary = PROJECTS[slug]
        project, _ = Project.objects.get_or_create(
            slug=slug, defaults={"name": name, "summary": summary}
        )
        if Board.objects.filter(project=project, title=title).exists():
            continue
        rng = random.Random(slug)
        board = services.board_create(
            project=project, title=title, question=question, gain_bar=gain_bar, actor=manager
        )
        Board.objects.filter(pk=board.pk).update(created_at=now - timedelta(weeks=WEEKS, days=2))
        metrics = []
        for metric_name, unit, direction, baseline, target, noise in metric_specs:
            metric = services.metric_create(
                board=board,
                name=metric_name,
                unit=unit,
                direction=direction,
                baseline=baseline,
                target=target,
                actor=manager,
            )
            metrics.append((metric, noise))
        board.refresh_from_db()
        # The board and its metrics were set up when the board was, not when the seed ran.
        activity_backdate(target=board, moments=[board.created_at])
        for metric, _noise in metrics:
            activity_backdate(target=metric, moments=[board.created_at])
        for idea_title, hypothesis, owner_name, maturity, path, quality, tasks in idea_specs:
            owner = people[owner_name]
            idea = services.idea_create(
                board=board,
                title=idea_title,
                hypothesis=hypothesis,
                owner=owner,
                maturity=maturity,
                actor=manager,
            )
            proposed_at = now - timedelta(weeks=WEEKS, days=-rng.randint(0, 5))
            Idea.objects.filter(pk=idea.pk).update(created_at=proposed_at)
            IdeaStatusChange.objects.filter(idea=idea).update(created_at=proposed_at)
            promoted = any(status == Status.PROMOTED for status, _ in path)
            if promoted:
                # Readings first, so the promotion sees the idea's gain against the gain bar.
                _readings(idea, metrics, quality, (path[0][1], 0), rng, now)
            moments = [proposed_at]
            for status, days_ago in path:
                idea = services.idea_transition(
                    idea=idea,
                    to=status,
                    actor=manager,
                    reason="No lift over the baseline after two iterations."
                    if status == Status.DROPPED
                    else "",
                    tasks=[{"title": t, "owner": people["engineer"]} for t in tasks]
                    if status == Status.PROMOTED
                    else None,
                    # the demo's promoter confirms a promotion below the bar (recorded as such)
                    confirm_below_bar=True,
                )
                moment = now - timedelta(days=days_ago, hours=rng.randint(1, 9))
                IdeaStatusChange.objects.filter(idea=idea, to_status=status).update(
                    created_at=moment
                )
                moments.append(moment)
            # The idea's events (proposed, each move) on the days its history says.
            activity_backdate(target=idea, moments=moments)
            if path and not promoted:
                end = path[-1][1] if path[-1][0] == Status.DROPPED else 0
                _readings(idea, metrics, quality, (path[0][1], end), rng, now)
            if idea_title == TRAINING_RUN_IDEA:
                _training_run(idea, metrics[1][0], quality, rng, now)
            created += 1
        _seed_task_work(board, manager)
    stdout.write(f"Research demo data ready ({counted(created, 'idea')} created).")


def _seed_task_work(board: Board, manager) -> None:
    """My tasks in the demo: of each promoted idea's tasks, the first is in progress and due
    in five days, the second overdue, and the last left unassigned for someone to claim."""
    today = timezone.localdate()
    for idea in board.ideas.filter(status=Status.PROMOTED):
        tasks = list(idea.tasks.order_by("position", "id"))
        if tasks:
            services.task_update(
                task=tasks[0],
                actor=manager,
                state="in_progress",
                due_date=today + timedelta(days=5),
            )
        if len(tasks) > 2:
            services.task_update(task=tasks[1], actor=manager, due_date=today - timedelta(days=2))
        if len(tasks) > 1:
            services.task_update(task=tasks[-1], actor=manager, owner=None)
