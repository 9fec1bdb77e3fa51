"""Reads of the data-gaps app: overdue on both sides of every boundary, the queue order,
snoozes, recurring asks and the triage figures."""

import datetime

import pytest
from django.utils import timezone

from datagaps import selectors
from tests.factories import DataGapFactory, ProjectFactory, UserFactory

from .helpers import request_in

pytestmark = pytest.mark.django_db


def _filed_days_ago(days: int, **kwargs):
    created = timezone.now() - datetime.timedelta(days=days)
    return DataGapFactory(created_at=created, **kwargs)


def _overdue(request) -> bool:
    return selectors.datagap_list().get(pk=request.pk).overdue


@pytest.mark.parametrize(
    ("urgency", "days", "overdue"),
    [
        ("normal", 14, False),
        ("normal", 15, True),
        ("blocking", 2, False),
        ("blocking", 3, True),
        ("high", 5, False),
        ("high", 6, True),
        ("low", 30, False),
        ("low", 31, True),
    ],
)
def test_a_request_is_overdue_after_its_urgencys_sla(urgency, days, overdue):
    assert _overdue(_filed_days_ago(days, urgency=urgency)) is overdue


def test_the_sla_comes_from_the_settings_when_asked(settings):
    request = _filed_days_ago(8, urgency="normal")
    assert _overdue(request) is False
    settings.DATAGAP_SLA_DAYS = {**settings.DATAGAP_SLA_DAYS, "normal": 7}
    assert _overdue(request) is True


def test_a_needed_by_date_of_today_is_on_time_and_yesterday_is_overdue():
    today = timezone.localdate()
    assert _overdue(DataGapFactory(needed_by=today)) is False
    assert _overdue(DataGapFactory(needed_by=today - datetime.timedelta(days=1))) is True


@pytest.mark.parametrize("status", ["delivered", "declined", "duplicate"])
def test_a_closed_request_is_never_overdue(status):
    request = request_in(status, needed_by=timezone.localdate() - datetime.timedelta(days=9))
    assert _overdue(request) is False


@pytest.mark.parametrize("status", ["open", "triaged", "in_progress"])
def test_an_active_request_past_its_date_is_overdue(status):
    request = request_in(status, needed_by=timezone.localdate() - datetime.timedelta(days=1))
    assert _overdue(request) is True


def test_the_queue_puts_back_from_snooze_first_then_overdue_then_urgency_then_age():
    today = timezone.localdate()
    old_low = _filed_days_ago(3, urgency="low", title="old low")
    new_blocking = _filed_days_ago(0, urgency="blocking", title="new blocking")
    new_high = _filed_days_ago(0, urgency="high", title="new high")
    overdue = _filed_days_ago(20, urgency="normal", title="overdue")
    woke = _filed_days_ago(1, urgency="low", title="woke", snoozed_until=today)
    asleep = _filed_days_ago(1, urgency="blocking", title="asleep")
    asleep.snoozed_until = today + datetime.timedelta(days=1)
    asleep.save()
    rows = list(selectors.datagap_queue().exclude(selectors.snoozed_q()))
    assert [r.title for r in rows] == [
        woke.title, overdue.title, new_blocking.title, new_high.title, old_low.title
    ]  # fmt: skip
    assert [r.back_from_snooze for r in rows] == [True, False, False, False, False]


def test_recurring_asks_group_similar_requests_across_projects():
    web, app, ops = (ProjectFactory() for _ in range(3))
    ana, ben = UserFactory(), UserFactory()
    clicks = [
        DataGapFactory(project=web, requester=ana, title="Event-level clickstream from the web",
                       data_needed="Page views and clicks per session, with timestamps."),
        DataGapFactory(project=app, requester=ben, title="Clickstream events per session",
                       data_needed="Raw clicks and page views for every session."),
        request_in("delivered", project=ops, requester=ana, title="Web clickstream, event level",
                   data_needed="Clicks per session with page views."),
    ]  # fmt: skip
    same_project = [
        DataGapFactory(project=web, title="Marketing spend by campaign",
                       data_needed="Spend per campaign and day."),
        DataGapFactory(project=web, title="Marketing spend per campaign",
                       data_needed="Daily spend per campaign."),
    ]  # fmt: skip
    DataGapFactory(project=app, title="SMART telemetry for disks",
                   data_needed="Disk attributes every ten minutes.")  # fmt: skip
    groups = selectors.datagap_recurring()
    assert len(groups) == 1, [[r.title for r in g.requests] for g in groups]
    group = groups[0]
    assert [r.pk for r in group.requests] == [r.pk for r in clicks]
    assert group.count == 3
    assert {p.pk for p in group.projects} == {web.pk, app.pk, ops.pk}
    assert {u.pk for u in group.requesters} == {ana.pk, ben.pk}
    assert group.status_mix == {"open": 2, "delivered": 1}
    assert group.oldest == min(r.created_at for r in clicks)
    assert group.canonical.pk == clicks[0].pk
    assert all(r.pk not in {g.pk for g in group.requests} for r in same_project)


def test_a_duplicate_link_joins_its_group_even_when_worded_differently():
    first = DataGapFactory(title="Support tickets feed", data_needed="Tickets with categories.")
    other = request_in("duplicate", title="Zendesk export", data_needed="Everything.")
    other.duplicate_of = first
    other.save()
    groups = selectors.datagap_recurring()
    assert [{r.pk for r in g.requests} for g in groups] == [{first.pk, other.pk}]
    assert groups[0].canonical.pk == first.pk


def test_triage_figures_are_monthly_medians_from_filing():
    now = timezone.now()
    for hours_to_triage in (2, 4, 30):
        DataGapFactory(
            created_at=now - datetime.timedelta(hours=40),
            first_triaged_at=now - datetime.timedelta(hours=40 - hours_to_triage),
            status="triaged",
        )
    DataGapFactory(status="open")
    stats = selectors.datagap_stats(months=3)
    assert len(stats["months"]) == 3
    this_month = timezone.localtime(now - datetime.timedelta(hours=40)).strftime("%Y-%m")
    month = next(m for m in stats["months"] if m["month"] == this_month)
    assert month["median_hours_to_triage"] == 4.0
    assert month["triaged"] == 3
    assert month["median_hours_to_delivery"] is None
    assert (stats["untriaged"], stats["active"], stats["overdue"]) == (1, 4, 0)
