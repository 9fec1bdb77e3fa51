"""Demo data of the data-gaps slice, called by ``manage.py seed_demo``. Idempotent.

About a dozen requests across the demo projects, written through the services (so the
history and the activity log are real) and then backdated relative to today: recurring asks
(event-level clickstream, a customer-support ticket feed) filed on different projects, and
requests triaged, in progress, delivered, declined, snoozed, back from snooze, overdue, and
one duplicate.
"""

import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from activity.services import activity_backdate
from projects.models import Project

from . import services
from .models import DataGap, DataGapStatusChange, Status

CLICKS = (
    "Raw page views and clicks per **session**: timestamp, anonymous user id, page, referrer, "
    "device. At least 90 days of history, refreshed daily."
)
TICKETS = (
    "Every support ticket with its **category**, priority, channel, opened and closed times "
    "and the customer account id; history back to last year; hourly refresh."
)

# title, project slug, requester, urgency, filed days ago, description, unlocks, moves, extras
# moves: (status, engineer, hours after filing); extras: assignee, snooze, needed_by offset.
REQUESTS = [
    ("Event-level clickstream from the web shop", "lookalike-audiences", "tomas", "high", 24,
     CLICKS, "Behavioural lookalike features instead of demographic ones.",
     [("triaged", "dataeng", 20), ("in_progress", "dataeng", 70)], {"assignee": "dataeng"}),
    ("Clickstream events per session for the app", "customer-lifetime-value", "scientist",
     "normal", 6, "Clicks and page views per app session, with timestamps. " + CLICKS,
     "Engagement features for the value model.", [], {}),
    ("Raw click and page-view events, per session", "churn-early-warning", "priya", "normal", 12,
     "Clicks and page views for every session, so we can see disengagement.",
     "Early churn signals from falling engagement.",
     [("duplicate", "kofi", 30)], {"duplicate_of": 0}),
    ("Customer-support ticket feed with categories", "churn-early-warning", "scientist", "high",
     48, TICKETS, "Complaint features for the churn model.",
     [("triaged", "kofi", 26), ("in_progress", "kofi", 50), ("delivered", "kofi", 300)],
     {"assignee": "kofi"}),
    ("Support tickets per customer, hourly", "support-demand-forecast", "tomas", "normal", 10,
     "Ticket counts per customer and queue, hourly. " + TICKETS,
     "Forecast staffing per queue.", [("triaged", "dataeng", 8)], {"assignee": "dataeng"}),
    ("Zendesk support tickets with category and priority", "customer-lifetime-value", "priya",
     "low", 3,
     "All Zendesk tickets with category and priority per account.",
     "Support cost per customer in the value model.", [], {}),
    ("SMART telemetry for every disk, one year back", "storage-telemetry-optimisation", "priya",
     "blocking", 9, "Per-disk SMART attributes every 10 minutes for the whole fleet.",
     "The failure model's training set.",
     [("triaged", "kofi", 5), ("in_progress", "kofi", 30)],
     {"assignee": "kofi", "needed_by": -2}),
    ("Marketing spend by campaign and day", "lookalike-audiences", "tomas", "normal", 30,
     "Daily spend, impressions and clicks per campaign from every ad platform.",
     "Cost per acquired customer per audience.", [("declined", "dataeng", 40)], {}),
    ("Competitor price history", "customer-lifetime-value", "scientist", "low", 5,
     "Daily prices of our top 500 products at three competitors.",
     "Price sensitivity in the value model.", [], {"snooze": 10}),
    ("Fraud chargeback labels with dispute outcomes", "fraud-signal-scoring", "scientist",
     "normal", 18, "Every chargeback with its dispute outcome and the original transaction id.",
     "Clean labels for the fraud score.", [], {}),
    ("Storage tier prices per customer contract", "storage-telemetry-optimisation", "priya",
     "high", 4, "The negotiated price per storage tier for each customer contract.",
     "Savings estimates per recommendation.", [], {"snooze": 0}),
]  # fmt: skip

DECLINE_REASON = "Finance owns campaign spend: ask them for the monthly export instead."
DELIVERY = {
    "delivered_dataset": "support_tickets_v1",
    "delivered_location": "warehouse.support.tickets_v1",
    "delivered_notes": "Hourly refresh; categories mapped to the 2024 taxonomy.",
}


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


@transaction.atomic
def seed(*, stdout) -> None:
    """Create the demo requests unless they exist."""
    if _user("dataeng") is None or not Project.objects.exists():
        stdout.write("Data-gaps seed skipped: no people or projects yet.")
        return
    now = timezone.now()
    today = timezone.localdate()
    created: list[DataGap] = []
    made = 0
    for spec in REQUESTS:
        title, slug, requester, urgency, days, text, unlocks, moves, extras = spec
        project = Project.objects.filter(slug=slug).first()
        existing = DataGap.objects.filter(title=title).first()
        if existing is not None or project is None or _user(requester) is None:
            created.append(existing)
            continue
        gap = services.datagap_create(
            project=project, title=title, data_needed=text, unlocks=unlocks,
            urgency=urgency, actor=_user(requester),
        )  # fmt: skip
        filed = now - datetime.timedelta(days=days)
        if "assignee" in extras:
            services.datagap_assign(
                request=gap, assignee=_user(extras["assignee"]), actor=_user("dataeng")
            )
        for to, engineer, _hours in moves:
            fields = {}
            if to == Status.DECLINED:
                fields["reason"] = DECLINE_REASON
            if to == Status.DELIVERED:
                fields.update(DELIVERY)
            if to == Status.DUPLICATE:
                fields["duplicate_of"] = created[extras["duplicate_of"]]
            gap = services.datagap_transition(request=gap, to=to, actor=_user(engineer), **fields)
        if "snooze" in extras:
            # A snooze ending today shows the request back on top of the queue.
            DataGap.objects.filter(pk=gap.pk).update(
                snoozed_until=today + datetime.timedelta(days=extras["snooze"])
            )
        if "needed_by" in extras:
            DataGap.objects.filter(pk=gap.pk).update(
                needed_by=today + datetime.timedelta(days=extras["needed_by"])
            )
        # Backdate: filed ``days`` ago, each move some hours after filing.
        changes = list(DataGapStatusChange.objects.filter(request=gap).order_by("pk"))
        DataGapStatusChange.objects.filter(pk=changes[0].pk).update(created_at=filed)
        stamps = {"created_at": filed}
        moments = [filed]
        for change, (to, _engineer, hours) in zip(changes[1:], moves, strict=True):
            moment = filed + datetime.timedelta(hours=hours)
            moments.append(moment)
            DataGapStatusChange.objects.filter(pk=change.pk).update(created_at=moment)
            if "first_triaged_at" not in stamps:
                stamps["first_triaged_at"] = moment
            if to == Status.DELIVERED:
                stamps["delivered_at"] = moment
        DataGap.objects.filter(pk=gap.pk).update(**stamps)
        activity_backdate(target=gap, moments=moments)
        created.append(gap)
        made += 1
    stdout.write(f"Data gaps: {made} demo requests created.")
