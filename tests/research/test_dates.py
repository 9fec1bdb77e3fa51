"""Date-times with a UTC offset of 16 hours or more: PostgreSQL's text input refuses them,
so every path that takes one stores or filters by the same instant in UTC (regressions of
a 500 on the bulk readings path, the CSV import and the activity ``since`` filter)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activity.models import Activity
from core.dates import NAIVE, OUT_OF_RANGE, to_utc
from research import services
from research.models import Reading
from tests.factories import IdeaFactory, MetricFactory

pytestmark = pytest.mark.django_db

# Written with the offset, and the same instant in UTC.
# PostgreSQL takes offsets up to ±15:59 as text: both sides of that boundary, and beyond.
OFFSETS = [
    ("2026-11-20T10:00:00+15:59", datetime(2026, 11, 19, 18, 1, tzinfo=UTC)),
    ("2026-11-20T10:00:00+16:00", datetime(2026, 11, 19, 18, 0, tzinfo=UTC)),
    ("2026-11-20T10:00:00+19:09", datetime(2026, 11, 19, 14, 51, tzinfo=UTC)),
    ("2026-11-20T10:00:00-16:00", datetime(2026, 11, 21, 2, 0, tzinfo=UTC)),
    ("2026-11-20T10:00:00-23:59", datetime(2026, 11, 21, 9, 59, tzinfo=UTC)),
]


def test_the_suite_runs_on_postgresql():
    """The bug only shows on PostgreSQL (COPY and parameters with their offset)."""
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture
def setup(member):
    idea = IdeaFactory(owner=member, title="Gradient boosting")
    metric = MetricFactory(board=idea.board, name="AUC")
    return idea, metric


def test_to_utc_keeps_the_instant_and_refuses_naive_or_out_of_range():
    plus = datetime(2026, 11, 20, 10, tzinfo=timezone(timedelta(hours=19, minutes=9)))
    assert to_utc(plus) == plus and to_utc(plus).utcoffset() == timedelta(0)
    with pytest.raises(ValidationError) as naive:
        to_utc(datetime(2026, 11, 20, 10))
    assert naive.value.messages == [NAIVE]
    with pytest.raises(ValidationError) as early:
        to_utc(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=19, minutes=9))))
    assert early.value.messages == [OUT_OF_RANGE]


@pytest.mark.parametrize(("written", "instant"), OFFSETS)
def test_bulk_reading_with_a_large_offset_is_stored_in_utc(api_as, member, setup, written, instant):
    idea, metric = setup
    item = {"idea": idea.pk, "metric": metric.pk, "value": 0.8, "recorded_at": written}
    response = api_as(member).post("/api/v1/readings/", [item, item], format="json")
    assert response.status_code == 201, response.content
    assert list(Reading.objects.values_list("recorded_at", flat=True)) == [instant, instant]


@pytest.mark.parametrize(("written", "instant"), OFFSETS)
def test_single_reading_with_a_large_offset_is_stored_in_utc(
    api_as, member, setup, written, instant
):
    idea, metric = setup
    item = {"idea": idea.pk, "metric": metric.pk, "value": 0.8, "recorded_at": written}
    response = api_as(member).post("/api/v1/readings/", item, format="json")
    assert response.status_code == 201, response.content
    assert Reading.objects.get().recorded_at == instant


@pytest.mark.parametrize(("written", "instant"), OFFSETS)
def test_reading_create_service_with_a_large_offset_stores_utc(member, setup, written, instant):
    idea, metric = setup
    moment = datetime.fromisoformat(written)
    reading = services.reading_create(
        idea=idea, metric=metric, value=0.8, recorded_at=moment, actor=member
    )
    assert reading.recorded_at == instant and reading.recorded_at.utcoffset() == timedelta(0)
    assert Reading.objects.get().recorded_at == instant


@pytest.mark.parametrize(("written", "instant"), OFFSETS)
def test_csv_import_with_a_large_offset_is_stored_in_utc(client, member, setup, written, instant):
    idea, _ = setup
    client.force_login(member)
    text = f"idea,metric,value,recorded_at\nGradient boosting,AUC,0.8,{written}\n"
    upload = SimpleUploadedFile("readings.csv", text.encode(), content_type="text/csv")
    url = reverse("research:board-readings-import", args=[idea.board_id])
    response = client.post(url, {"file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Reading.objects.get().recorded_at == instant


@pytest.mark.parametrize(("written", "instant"), OFFSETS)
def test_activity_since_with_a_large_offset_filters_by_the_instant(
    api_as, viewer, member, written, instant
):
    before = Activity.objects.create(actor=member, event="idea.created", data={})
    after = Activity.objects.create(actor=member, event="idea.created", data={})
    Activity.objects.filter(pk=before.pk).update(created_at=instant - timedelta(minutes=1))
    Activity.objects.filter(pk=after.pk).update(created_at=instant)
    response = api_as(viewer).get("/api/v1/activity/", {"since": written})
    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [after.pk]
