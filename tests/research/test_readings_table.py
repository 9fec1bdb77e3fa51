"""The idea page's readings table: every reading reachable a page at a time (keyset
cursors), filtered by source and by days, with a capped count."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from research import selectors
from research.models import Reading
from research.views.ideas import _count_text
from tests.factories import IdeaFactory, MetricFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def idea(member):
    return IdeaFactory(owner=member)


@pytest.fixture
def metric(idea):
    return MetricFactory(board=idea.board, name="AUC")


def _make(idea, metric, count, *, start=None, source="api", step=timedelta(minutes=1)):
    start = start or timezone.now() - timedelta(days=3)
    Reading.objects.bulk_create(
        Reading(idea=idea, metric=metric, value=k, recorded_at=start + k * step, source=source)
        for k in range(count)
    )


def _values(response) -> list[int]:
    """The values of the table's rows, in page order (values are whole numbers here)."""
    body = response.content.decode().split('id="readings-title"')[1].split("</table>")[0]
    return [int(v) for v in re.findall(r"<td>AUC</td><td>(\d+)</td>", body)]


def _link(response, name: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)"[^>]*>{name}</a>', response.content.decode())
    return found.group(1).replace("&amp;", "&") if found else None


def test_pages_through_every_reading_newest_first(client, member, idea, metric):
    _make(idea, metric, 120)
    client.force_login(member)
    url = idea.get_absolute_url()
    first = client.get(url)
    assert _values(first) == list(range(119, 69, -1))
    assert _link(first, "Newer readings") is None
    second = client.get(url + _link(first, "Older readings"))
    assert _values(second) == list(range(69, 19, -1))
    third = client.get(url + _link(second, "Older readings"))
    assert _values(third) == list(range(19, -1, -1))
    assert _link(third, "Older readings") is None  # the oldest reading is on it
    back = client.get(url + _link(third, "Newer readings"))
    assert _values(back) == list(range(69, 19, -1))
    assert _values(client.get(url + _link(third, "Newest"))) == list(range(119, 69, -1))


def test_exactly_one_page_has_no_older_link(client, member, idea, metric):
    _make(idea, metric, 50)
    client.force_login(member)
    response = client.get(idea.get_absolute_url())
    assert len(_values(response)) == 50 and _link(response, "Older readings") is None
    Reading.objects.create(
        idea=idea, metric=metric, value=7, recorded_at=timezone.now() - timedelta(days=9)
    )
    assert _link(client.get(idea.get_absolute_url()), "Older readings") is not None


def test_readings_at_the_same_moment_are_not_skipped(client, member, idea, metric):
    """The cursor is (time, id): 60 readings logged in the same instant all appear once."""
    _make(idea, metric, 60, step=timedelta(0))
    client.force_login(member)
    first = client.get(idea.get_absolute_url())
    second = client.get(idea.get_absolute_url() + _link(first, "Older readings"))
    assert sorted(_values(first) + _values(second)) == list(range(60))


def test_filter_by_source_keeps_the_filter_across_pages(client, member, idea, metric):
    _make(idea, metric, 70, source="train-run-1")
    _make(idea, metric, 5, source="manual")
    client.force_login(member)
    url = idea.get_absolute_url()
    response = client.get(url, {"readings-source": "train-run-1"})
    assert len(_values(response)) == 50
    older = client.get(url + _link(response, "Older readings"))
    assert len(_values(older)) == 20
    assert "readings-source=train-run-1" in _link(response, "Older readings")
    assert len(_values(client.get(url, {"readings-source": "manual"}))) == 5
    assert (
        "No readings match these filters."
        in client.get(url, {"readings-source": "x"}).content.decode()
    )


def test_filter_by_days_includes_both_end_days_and_nothing_beyond(client, member, idea, metric):
    tz = timezone.get_current_timezone()
    for value, moment in [
        (1, datetime(2026, 11, 9, 23, 59)),  # the day before: out
        (2, datetime(2026, 11, 10, 0, 0)),  # first day, midnight: in
        (3, datetime(2026, 11, 12, 23, 59)),  # last day, late: in
        (4, datetime(2026, 11, 13, 0, 0)),  # the day after: out
    ]:
        Reading.objects.create(
            idea=idea, metric=metric, value=value, recorded_at=moment.replace(tzinfo=tz)
        )
    client.force_login(member)
    response = client.get(
        idea.get_absolute_url(), {"readings-start": "2026-11-10", "readings-end": "2026-11-12"}
    )
    assert _values(response) == [3, 2]


def test_bad_filters_are_form_errors_not_failures(client, member, idea, metric):
    _make(idea, metric, 3)
    client.force_login(member)
    url = idea.get_absolute_url()
    response = client.get(url, {"readings-start": "2026-11-12", "readings-end": "2026-11-10"})
    assert response.status_code == 200
    assert "This must not be before the first day." in response.content.decode()
    response = client.get(url, {"readings-start": "soon"})
    assert "Enter a valid date." in response.content.decode()
    # A cursor that is not ours is ignored: the first page.
    assert _values(client.get(url, {"older": "yesterday|x"})) == [2, 1, 0]


@pytest.mark.parametrize(("readings", "counted"), [(3, 3), (4, 4), (5, 4)])
def test_reading_count_stops_past_the_cap(idea, metric, readings, counted):
    _make(idea, metric, readings)
    assert selectors.idea_reading_count(idea, cap=3) == counted


def test_count_text_says_more_than_past_the_cap():
    assert _count_text(10_000) == "10,000"
    assert _count_text(10_001) == "more than 10,000"
    assert _count_text(1) == "1"
