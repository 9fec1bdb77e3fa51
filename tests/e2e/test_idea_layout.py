"""In real Chromium at 1440 px: the idea page's charts and its task toggles are readable."""

from datetime import timedelta
from itertools import pairwise

import pytest
from django.utils import timezone

from research.models import Status, Task
from tests.factories import BoardFactory, IdeaFactory, MetricFactory, ReadingFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# For each chart: the x tick labels' left and right edges in pixels, and whether each line of
# the y title fits the height it is drawn along.
CHART_GEOMETRY = """
() => [...document.querySelectorAll("canvas.metric-chart")].map((canvas) => {
  const chart = window.Chart.getChart(canvas);
  const x = chart.scales.x;
  const ctx = chart.ctx;
  ctx.save();
  ctx.font = window.Chart.helpers.toFont(x.options.ticks.font).string;
  const labels = x.ticks.map((tick, i) => {
    const text = x.options.ticks.callback(tick.value, i, x.ticks);
    const width = ctx.measureText(text).width;
    const centre = x.getPixelForTick(i);
    return [centre - width / 2, centre + width / 2];
  });
  const y = chart.scales.y;
  ctx.font = window.Chart.helpers.toFont(y.options.title.font).string;
  const lines = [].concat(y.options.title.text);
  const title = Math.max(...lines.map((line) => ctx.measureText(line).width));
  ctx.restore();
  return { labels, titleFits: title <= chart.height, rotation: x.labelRotation };
})
"""


def test_chart_dates_do_not_overlap_and_task_toggles_sit_by_their_titles(visit):
    scientist = UserFactory(role="member")
    board = BoardFactory()
    metric = MetricFactory(board=board, name="RMSE (EUR)")
    MetricFactory(board=board, name="Scoring latency p95 at the busiest hour of the week", unit="")
    idea = IdeaFactory(board=board, owner=scientist, status=Status.PROMOTED)
    now = timezone.now()
    for day in range(50):
        ReadingFactory(
            idea=idea, metric=metric, value=170 + day % 7, recorded_at=now - timedelta(days=day)
        )
    Task.objects.create(idea=idea, title="Nightly feature job", owner=scientist, position=1)
    Task.objects.create(idea=idea, title="Shadow-run against the baseline", position=2)

    page = visit(scientist, idea.get_absolute_url())
    # Functions, not expressions: a string expression needs eval, which the CSP refuses.
    page.wait_for_function("() => document.querySelectorAll('canvas.metric-chart').length >= 2")
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas.metric-chart')]"
        ".every((c) => window.Chart.getChart(c))"
    )
    for chart in page.evaluate(CHART_GEOMETRY):
        assert chart["rotation"] == 0
        edges = sorted(chart["labels"])
        for (_, right), (left, _) in pairwise(edges):
            assert right + 4 <= left, edges
        assert chart["titleFits"]

    for item in page.locator(".task-list li").all():
        toggle = item.locator("button").bounding_box()
        title = item.locator(".task-title").bounding_box()
        # beside the title: just to its left and on the same line
        assert toggle["x"] + toggle["width"] <= title["x"] <= toggle["x"] + toggle["width"] + 24
        assert (
            abs((toggle["y"] + toggle["height"] / 2) - (title["y"] + title["height"] / 2))
            < title["height"]
        )
