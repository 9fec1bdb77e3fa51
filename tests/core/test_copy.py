"""Copy: counted nouns ("1 reading", "2 readings"), labels rather than stored keys in
messages and on the timeline, no invitations to write on a viewer's dashboard, and seeded
history dated like the rest of the demo."""

import datetime
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from activity.models import Activity, EventType
from core.templatetags.core_tags import counted as counted_filter
from core.templatetags.core_tags import key_label
from core.text import counted, percent
from datagaps.models import Status as DataGapStatus
from flags.models import FlagStatus
from projects import services as project_services
from projects.models import Phase, PhaseChange, Takeaway
from research.models import Idea, IdeaStatusChange
from research.models import Status as IdeaStatus
from research.templatetags.research_tags import pct
from tests.factories import DataGapFactory, IdeaFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("count", "text"),
    [(0, "0 readings"), (1, "1 reading"), (2, "2 readings"), (1000, "1,000 readings")],
)
def test_counted_nouns(count, text):
    assert counted(count, "reading") == text
    assert counted_filter(count, "reading") == text


def test_counted_irregular_plural():
    assert counted(1, "delivery", "deliveries") == "1 delivery"
    assert counted(3, "delivery", "deliveries") == "3 deliveries"
    assert counted_filter(3, "delivery,deliveries") == "3 deliveries"


@pytest.mark.parametrize(
    ("value", "signed", "unsigned"),
    [
        (7.5, "+7.5 %", "7.5 %"),
        (7.499, "+7.5 %", "7.5 %"),
        (4.99, "+4.99 %", "4.99 %"),  # not "+5.0 %" beside a 5 % bar it is below
        (4.999999999999992, "+5.0 %", "5.0 %"),
        (12.345, "+12.35 %", "12.35 %"),
        (0.051, "+0.05 %", "0.05 %"),
        (0, "±0.0 %", "0.0 %"),
        (-0.001, "±0.0 %", "0.0 %"),
        (-2.5, "\u22122.5 %", "\u22122.5 %"),
    ],
)
def test_percentages_read_the_same_in_messages_and_badges(value, signed, unsigned):
    assert percent(value, signed=True) == signed
    assert pct(value) == signed
    assert percent(value) == unsigned


@pytest.mark.parametrize(
    ("value", "bar", "text"),
    [
        (4.99, 5, "+4.99 %"),
        (4.996, 5, "+4.996 %"),  # "+5.0 %" would read as reaching the bar
        (4.9999, 5, "+4.9999 %"),
        (4.994, 5, "+4.99 %"),
        (5.0, 5, "+5.0 %"),  # at the bar: not below it, nothing to keep apart
        (7.5, 10, "+7.5 %"),
        (-0.004, 0, "\u22120.004 %"),  # a fall below a 0 % bar is not "±0.0 %"
    ],
)
def test_a_gain_below_a_bar_never_reads_as_reaching_it(value, bar, text):
    assert percent(value, signed=True, below=bar) == text


# Every stored key the timeline shows, with the label users see (pinned here, not read from
# the choices under test).
KEY_LABELS = [
    ("research", "Research"),
    ("prototype", "Prototype"),
    ("implementation", "Implementation"),
    ("released", "Released"),
    ("monitoring", "Monitoring"),
    ("archived", "Archived"),
    ("proposed", "Proposed"),
    ("prototyping", "Prototyping"),
    ("in_progress", "In progress"),
    ("accepted_risk", "Accepted risk"),
]


@pytest.mark.parametrize(("key", "label"), KEY_LABELS)
def test_key_label(key, label):
    assert key_label(key) == label


@pytest.mark.parametrize("choices", [Phase, IdeaStatus, DataGapStatus, FlagStatus])
def test_every_phase_and_status_label_is_its_key_spaced_and_capitalised(choices):
    """What lets the timeline show event data (which stores keys) as labels."""
    assert {key_label(value): label for value, label in choices.choices} == {
        label: label for label in choices.labels
    }


def test_the_timeline_shows_phase_labels_not_keys(client, viewer):
    manager = UserFactory(role="manager", password="!")
    project = ProjectFactory(product_manager=manager)
    from tests.factories import TargetFactory

    TargetFactory(project=project)
    project_services.project_change_phase(project=project, to=Phase.PROTOTYPE, actor=manager)
    client.force_login(viewer)
    page = client.get(reverse("projects:project-timeline", args=[project.slug])).content.decode()
    assert "(Research → Prototype)" in page
    assert "(research → prototype)" not in page


def test_moving_an_idea_says_the_status_label(client, manager):
    idea = IdeaFactory(status=IdeaStatus.EXPLORING, owner=manager)
    client.force_login(manager)
    response = client.post(
        reverse("research:idea-move", args=[idea.pk]), {"to": IdeaStatus.PROTOTYPING}
    )
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert texts == [f"“{idea.title}” moved to Prototyping."]


@pytest.mark.parametrize(
    ("days", "text"), [(0, "(0 days ago)"), (1, "(1 day ago)"), (2, "(2 days ago)")]
)
def test_a_requests_age_is_counted(client, viewer, days, text):
    gap = DataGapFactory(requester=UserFactory(password="!"))
    # The start of a local calendar day: age is counted in calendar days, so "now minus
    # an hour" would cross midnight in the first hour of a day.
    day = timezone.localdate() - datetime.timedelta(days=days)
    filed = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    type(gap).objects.filter(pk=gap.pk).update(created_at=filed)
    client.force_login(viewer)
    assert text in client.get(gap.get_absolute_url()).content.decode()


def test_the_triage_figures_name_urgencies_by_label_and_count_days(client, viewer, settings):
    settings.DATAGAP_SLA_DAYS = {"low": 30, "normal": 14, "high": 5, "blocking": 1}
    client.force_login(viewer)
    page = client.get(reverse("datagaps:stats")).content.decode()
    assert "(low 30 days, normal 14 days, high 5 days, blocking 1 day)" in page


def test_a_viewers_dashboard_does_not_invite_them_to_write(client, viewer, member):
    client.force_login(viewer)
    page = client.get(reverse("dashboard")).content.decode()
    assert "No ideas of yours in play." in page
    assert "Propose one" not in page
    assert "No open data requests of yours." in page
    assert "File a request" not in page
    client.force_login(member)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Propose one on a project's board." in page
    assert "File a request" in page


def test_seeded_history_is_dated_like_the_demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=StringIO())
    now = timezone.now()
    # Phase changes and their events on the same, past days.
    for change in PhaseChange.objects.all():
        event = Activity.objects.get(
            project=change.project_id,
            event=EventType.PROJECT_PHASE_CHANGED,
            data__to=change.to_phase,
        )
        assert event.created_at == change.created_at
        assert change.created_at < now - datetime.timedelta(days=20)
    # Each idea's events on the days of its history, not when the seed ran.
    for idea in Idea.objects.all():
        history = set(
            IdeaStatusChange.objects.filter(idea=idea).values_list("created_at", flat=True)
        )
        events = Activity.objects.filter(target_id=idea.pk, event__startswith="idea.")
        assert events.exists()
        assert {event.created_at for event in events} <= history, idea.title
    # Takeaways spread over weeks, their events with them.
    takeaways = list(Takeaway.objects.all())
    assert len({t.created_at.date() for t in takeaways}) == len(takeaways) > 3
    for takeaway in takeaways:
        event = Activity.objects.get(event=EventType.TAKEAWAY_CREATED, target_id=takeaway.pk)
        assert event.created_at == takeaway.created_at
    recent = Activity.objects.filter(created_at__gte=now - datetime.timedelta(minutes=5))
    # What really happens today in the demo (a release asks for a takeaway) may stay today.
    assert recent.count() < Activity.objects.count() / 4
