"""The series selector (downsampling in the database) and ``GET /api/v1/ideas/{id}/series/``.

Timing stays out of these tests: the latency at a million readings is measured by
``make bench``. Here: the whole history is covered at any size, the point count is bounded,
spikes survive, the step axis, windows, and the API's answers to bad input.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from research import series
from research.models import Reading
from tests.factories import BoardFactory, IdeaFactory, MetricFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def _insert(idea, metric, count: int, *, spike_at: int | None = None, steps: bool = False):
    """``count`` readings one second apart from T0, values k % 100 / 100 (0 to 0.99), and
    one spike of 1000 at index ``spike_at``; inserted by PostgreSQL itself (a million rows
    through the ORM would take minutes)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Reading._meta.db_table}
                (idea_id, metric_id, value, recorded_at, note, source, step)
            SELECT %s, %s,
                   CASE WHEN k = %s THEN 1000.0 ELSE (k %% 100) / 100.0 END,
                   %s + k * interval '1 second', '', 'test',
                   CASE WHEN %s THEN k ELSE NULL END
            FROM generate_series(0, %s - 1) AS k
            """,
            [idea.pk, metric.pk, -1 if spike_at is None else spike_at, T0, steps, count],
        )


@pytest.fixture
def idea():
    return IdeaFactory()


@pytest.fixture
def metric(idea):
    return MetricFactory(board=idea.board, name="AUC", baseline=0.8, target=0.9)


def test_a_million_readings_are_covered_by_a_bounded_number_of_points(idea, metric):
    """The whole history, bucketed in PostgreSQL: at most ``points`` points, every reading
    counted once, the first and last reading's times as the range, and a single spike kept
    as its bucket's maximum."""
    _insert(idea, metric, 1_000_000, spike_at=777_777)
    found = series.series_one(idea_id=idea.pk, metric=metric, points=500)
    assert found.total == 1_000_000
    assert found.downsampled is True
    assert found.axis == "time"
    assert 1 <= len(found.points) <= 500
    assert sum(p.count for p in found.points) == 1_000_000
    assert found.first == T0
    assert found.last == T0 + timedelta(seconds=999_999)
    assert found.points[0].x == T0 and found.points[-1].x_last == found.last
    assert max(p.max for p in found.points) == 1000.0
    assert min(p.min for p in found.points) == 0.0
    spiky = [p for p in found.points if p.max == 1000.0]
    assert len(spiky) == 1
    assert spiky[0].x <= T0 + timedelta(seconds=777_777) <= spiky[0].x_last
    # x is increasing: buckets come in time order.
    assert all(a.x_last < b.x for a, b in zip(found.points, found.points[1:], strict=False))


def test_zooming_into_a_small_window_gives_every_reading(idea, metric):
    _insert(idea, metric, 5_000)
    start, end = T0 + timedelta(seconds=1000), T0 + timedelta(seconds=1099)
    found = series.series_one(idea_id=idea.pk, metric=metric, points=500, start=start, end=end)
    assert found.downsampled is False
    assert found.total == 100
    assert [p.x for p in found.points] == [start + timedelta(seconds=k) for k in range(100)]
    assert [p.count for p in found.points] == [1] * 100
    assert found.points[0].min == found.points[0].max == found.points[0].mean == 0.0


@pytest.mark.parametrize(("count", "downsampled"), [(500, False), (501, True)])
def test_downsampled_only_past_the_point_count(idea, metric, count, downsampled):
    _insert(idea, metric, count)
    found = series.series_one(idea_id=idea.pk, metric=metric, points=500)
    assert found.total == count
    assert found.downsampled is downsampled
    assert len(found.points) == 500 if not downsampled else len(found.points) <= 500
    assert sum(p.count for p in found.points) == count


def test_the_sql_buckets_match_the_python_fallback(idea, metric):
    """SQLite (make run) buckets in Python: the same arithmetic gives the same buckets."""
    _insert(idea, metric, 7_919, spike_at=3_000)
    found = series.series_one(idea_id=idea.pk, metric=metric, points=100)
    readings = Reading.objects.filter(idea=idea, metric=metric)
    lo, hi = found.first.timestamp(), found.last.timestamp()
    python = series._buckets_python(series._xs(readings, False), lo, hi, 100)
    assert [b for _, b in python] == pytest.approx(found.points)


def test_training_steps_make_a_step_axis(idea, metric):
    _insert(idea, metric, 2_000, steps=True)
    found = series.series_one(idea_id=idea.pk, metric=metric, points=100)
    assert found.axis == "step"
    assert found.first == 0 and found.last == 1_999
    assert found.points[0].x == 0 and found.points[-1].x_last == 1_999
    assert sum(p.count for p in found.points) == 2_000
    window = series.series_one(idea_id=idea.pk, metric=metric, points=100, start=10, end=19)
    assert [p.x for p in window.points] == list(range(10, 20))


def test_one_reading_without_a_step_makes_it_a_time_axis(idea, metric):
    _insert(idea, metric, 50, steps=True)
    Reading.objects.create(idea=idea, metric=metric, value=0.5, recorded_at=T0)
    assert series.series_one(idea_id=idea.pk, metric=metric).axis == "time"


def test_compare_overlays_ideas_on_one_bucket_grid(idea, metric):
    other = IdeaFactory(board=idea.board)
    empty = IdeaFactory(board=idea.board)
    _insert(idea, metric, 3_000)
    _insert(other, metric, 40)
    found = series.series_for(idea_ids=[idea.pk, other.pk, empty.pk], metric=metric, points=200)
    assert found[idea.pk].downsampled and found[idea.pk].total == 3_000
    assert not found[other.pk].downsampled and len(found[other.pk].points) == 40
    assert found[empty.pk].total == 0 and found[empty.pk].points == []


def test_gain_bar_value_follows_the_direction():
    higher = MetricFactory(baseline=0.8, direction="higher")
    lower = MetricFactory(baseline=40.0, direction="lower")
    zero = MetricFactory(baseline=0.0)
    assert series.gain_bar_value(higher, 5.0) == pytest.approx(0.84)
    assert series.gain_bar_value(lower, 5.0) == pytest.approx(38.0)
    assert series.gain_bar_value(zero, 5.0) is None


# --- the API ------------------------------------------------------------------------------


def _url(idea) -> str:
    return f"/api/v1/ideas/{idea.pk}/series/"


def test_api_answers_the_series(api_as, viewer, idea, metric):
    _insert(idea, metric, 1_200, spike_at=600)
    body = api_as(viewer).get(_url(idea), {"metric": metric.pk, "points": 100}).json()
    assert body["idea"] == idea.pk and body["metric"] == metric.pk
    assert body["axis"] == "time" and body["total"] == 1_200 and body["downsampled"] is True
    assert len(body["points"]) <= 100
    assert body["first"] == "2026-11-01T00:00:00+00:00"
    assert max(p["max"] for p in body["points"]) == 1000.0
    assert set(body["points"][0]) == {"x", "x_last", "min", "max", "mean", "count"}


def test_api_window_by_time_and_by_day(api_as, viewer, idea, metric):
    _insert(idea, metric, 200)
    api = api_as(viewer)
    body = api.get(
        _url(idea),
        {"metric": metric.pk, "from": "2026-11-01 00:00:10", "to": "2026-11-01T00:00:19Z"},
    ).json()
    assert body["total"] == 10 and body["downsampled"] is False
    assert body["points"][0]["x"] == "2026-11-01T00:00:10+00:00"
    assert (
        api.get(_url(idea), {"metric": metric.pk, "from": "2026-11-01", "to": "2026-11-01"}).json()[
            "total"
        ]
        == 200
    )
    assert api.get(_url(idea), {"metric": metric.pk, "from": "2026-11-02"}).json()["total"] == 0
    # An empty bound, as a form or a BI tool sends it, means no bound.
    assert api.get(_url(idea), {"metric": metric.pk, "from": "", "to": " "}).json()["total"] == 200


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({}, "metric", "This field is required."),
        ({"metric": "auc"}, "metric", "A valid integer is required."),
        ({"metric": "0"}, "metric", "Ensure this value is greater than or equal to 1."),
        ({"points": "9"}, "points", "Ensure this value is greater than or equal to 10."),
        ({"points": "2001"}, "points", "Ensure this value is less than or equal to 2000."),
        ({"points": "lots"}, "points", "A valid integer is required."),
        ({"points": "100.0"}, "points", "A valid integer is required."),
        ({"metric": "٣"}, "metric", "A valid integer is required."),
        ({"metric": ""}, "metric", "A valid integer is required."),
        (
            {"from": "yesterday"},
            "from",
            "Enter a date, a date and time (ISO 8601), or a training step.",
        ),
        (
            {"to": "2026-13-01"},
            "to",
            "Enter a date, a date and time (ISO 8601), or a training step.",
        ),
        ({"from": "2026-11-02", "to": "2026-11-01"}, "to", "This must not be before “from”."),
        ({"from": "20", "to": "10"}, "to", "This must not be before “from”."),
        (
            {"from": "10", "to": "2026-11-01"},
            "to",
            "Give both bounds as training steps, or both as times.",
        ),
    ],
)
def test_api_refuses_bad_input_with_field_messages(
    api_as, viewer, idea, metric, query, field, message
):
    params = {"metric": str(metric.pk), **query} if field != "metric" else query
    response = api_as(viewer).get(_url(idea), params)
    assert response.status_code == 400
    assert response.json()[field] == [message]


@pytest.mark.parametrize(("points", "status"), [("10", 200), ("2000", 200)])
def test_api_points_bounds_are_accepted(api_as, viewer, idea, metric, points, status):
    assert (
        api_as(viewer).get(_url(idea), {"metric": metric.pk, "points": points}).status_code
        == status
    )


def test_api_404_for_another_boards_metric_or_no_idea(api_as, viewer, idea, metric):
    foreign = MetricFactory(board=BoardFactory())
    api = api_as(viewer)
    response = api.get(_url(idea), {"metric": foreign.pk})
    assert response.status_code == 404
    assert api.get(_url(idea), {"metric": 10**9}).status_code == 404
    assert api.get("/api/v1/ideas/999999999/series/", {"metric": metric.pk}).status_code == 404


def test_api_needs_sign_in_like_the_idea(api_client, idea, metric):
    assert api_client.get(_url(idea), {"metric": metric.pk}).status_code == 401
    assert api_client.get(f"/api/v1/ideas/{idea.pk}/", {"metric": metric.pk}).status_code == 401


def test_api_series_query_budget(api_as, viewer, idea, metric, django_assert_num_queries):
    """The same queries for 300 readings shown as they are and 3,300 in buckets: the
    idea, the metric, the counts and bounds, the points."""
    _insert(idea, metric, 300)
    api = api_as(viewer)
    with django_assert_num_queries(4):
        assert api.get(_url(idea), {"metric": metric.pk}).json()["downsampled"] is False
    _insert(idea, metric, 3_000)
    with django_assert_num_queries(4):
        assert api.get(_url(idea), {"metric": metric.pk}).json()["downsampled"] is True
