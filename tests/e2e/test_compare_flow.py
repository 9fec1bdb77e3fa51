"""Comparing ideas in the browser: from the board to its compare page, pick ideas, share
the address, see the chart with the baseline, target and gain bar; and zoom into an idea's
chart, whose whole history is downsampled with a note saying so."""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from playwright.sync_api import expect

from research.models import Reading

from .conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)

LABELS = """(id) => {
    const chart = window.Chart && Chart.getChart(document.getElementById(id));
    return chart ? chart.data.datasets.map((d) => d.label) : null;
}"""
TICK_LABELS = """(id) => {
    const x = Chart.getChart(document.getElementById(id)).scales.x;
    return x.ticks.map((tick, i) => x.options.ticks.callback(tick.value, i, x.ticks));
}"""
DRAWN = """(id) => !!(window.Chart && Chart.getChart(document.getElementById(id)))"""


def _labels(page, canvas_id: str) -> list[str]:
    page.wait_for_function(DRAWN, arg=canvas_id)
    return page.evaluate(LABELS, canvas_id)


def test_pick_ideas_share_the_address_and_read_the_chart(visit, workspace):
    ws = workspace
    survival = ws.ideas["Survival model"]
    page = visit(ws.maya, ws.board.get_absolute_url())
    page.get_by_role("link", name="Compare ideas on a chart").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Compare ideas")
    chart_id = f"compare-{ws.metric.pk}"
    # By default: the shortlisted idea, which is also the best on both metrics.
    assert _labels(page, chart_id) == [
        "Gradient boosting on usage", "Baseline", "Target", "Gain bar (2 % over baseline)",
    ]  # fmt: skip
    expect(page.get_by_label("Gradient boosting on usage")).to_be_checked()
    assert_accessible(page)

    page.get_by_label("Survival model").check()
    page.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(rf"\?ideas={ws.idea.pk}&ideas={survival.pk}$"))
    assert _labels(page, chart_id)[:2] == ["Gradient boosting on usage", "Survival model"]
    gain_bar = page.evaluate(
        "(id) => Chart.getChart(document.getElementById(id)).data.datasets"
        ".find((d) => d.label.startsWith('Gain bar')).data[0].y",
        chart_id,
    )
    assert gain_bar == pytest.approx(0.816)  # baseline 0.80 improved by 2 %
    shared = page.url

    # The address is the comparison: a viewer opening it sees the same two ideas.
    other = visit(ws.vic, shared)
    expect(other.get_by_label("Survival model")).to_be_checked()
    expect(other.get_by_label("Gradient boosting on usage")).to_be_checked()
    expect(other.get_by_label("Logistic baseline refresh")).not_to_be_checked()
    assert _labels(other, chart_id)[:2] == ["Gradient boosting on usage", "Survival model"]
    assert_accessible(other)
    # A long legend entry is cut inside the idea's name, keeping what the line is.
    short = other.evaluate("(t) => TandemSeries.shortLabel(t)", "A" * 60 + ": lowest to highest")
    assert short == "A" * 20 + "…: lowest to highest" and len(short) == 40
    assert other.evaluate("(t) => TandemSeries.shortLabel(t)", "Survival model") == (
        "Survival model"
    )


def test_idea_chart_is_downsampled_with_a_note_and_zooms_in(visit, workspace):
    ws = workspace
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Reading._meta.db_table} (idea_id, metric_id, value, recorded_at, note,"
            " source) SELECT %s, %s, 0.8 + (k %% 10) / 100.0, %s + k * interval '1 minute', '',"
            " 'job' FROM generate_series(0, 1199) AS k",
            [ws.idea.pk, ws.metric.pk, start],
        )
    page = visit(ws.sam, ws.idea.get_absolute_url())
    chart_id = f"chart-{ws.metric.pk}"
    note = page.locator(f"#{chart_id}-note")
    expect(note).to_have_text(
        re.compile(r"^Downsampled: 1,203 readings shown as \d+ points — zoom in for detail\.$")
    )
    form = page.locator(f"form.zoom-form[data-chart='{chart_id}']")
    form.get_by_label("From").fill("2026-11-01 00:00")
    form.get_by_label("To").fill("2026-11-01 00:09")
    form.get_by_role("button", name="Zoom").click()
    expect(note).to_have_text("10 readings in this range, every one shown.")
    expect(page).to_have_url(re.compile(rf"from-{ws.metric.pk}=2026-11-01"))
    # Nine minutes on the axis: times, each tick label once (a day's range used to repeat
    # its date on every tick).
    labels = page.evaluate(TICK_LABELS, chart_id)
    assert len(labels) >= 2 and len(set(labels)) == len(labels), labels
    assert all(re.fullmatch(r"\d\d-\d\d \d\d:\d\d", label) for label in labels), labels
    # The zoomed range survives a reload (it is in the address).
    page.reload()
    expect(note).to_have_text("10 readings in this range, every one shown.")
    # A range backwards is refused with the API's message.
    form.get_by_label("From").fill("2026-11-02")
    form.get_by_label("To").fill("2026-11-01")
    form.get_by_role("button", name="Zoom").click()
    expect(form.locator(".zoom-error")).to_have_text("To: This must not be before “from”.")
    form.get_by_role("button", name="Show all").click()
    expect(note).to_contain_text("Downsampled: 1,203 readings")
    assert_accessible(page)
