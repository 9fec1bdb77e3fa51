"""Metric targets beyond the baseline, promotion below the gain bar, and the boards list.

The rules are pinned literally: a target exactly at the baseline is refused (it asks for no
improvement); a gain exactly at the gain bar clears it (no confirmation needed).
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from activity.models import Activity
from research import services
from research.models import IdeaStatusChange, Metric, Reading, Status, Task
from research.selectors import progress_compute
from tests.factories import (
    BoardFactory,
    IdeaFactory,
    MetricFactory,
    ProjectFactory,
    ReadingFactory,
)

pytestmark = pytest.mark.django_db

ABOVE = (
    "Higher is better for this metric, so the target must be above the baseline (0.8); {} is not."
)
BELOW = (
    "Lower is better for this metric, so the target must be below the baseline (182); {} is not."
)


# --- a target lies beyond the baseline, strictly ---------------------------------------------


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "message"),
    [
        ("higher", 0.8, 0.8, ABOVE.format("0.8")),  # at the baseline: refused
        ("higher", 0.8, 0.79, ABOVE.format("0.79")),
        ("higher", 0.8, 0.8001, None),
        ("higher", 0.8, None, None),
        ("lower", 182, 182, BELOW.format("182")),  # at the baseline: refused
        ("lower", 182, 182.5, BELOW.format("182.5")),
        ("lower", 182, 181.99, None),
        ("lower", 182, None, None),
    ],
)
def test_metric_create_holds_the_target_beyond_the_baseline(
    manager, direction, baseline, target, message
):
    board = BoardFactory()
    kwargs = {"board": board, "name": "M", "baseline": baseline, "direction": direction}
    if message is None:
        metric = services.metric_create(actor=manager, target=target, **kwargs)
        assert metric.target == target
        return
    with pytest.raises(ValidationError) as error:
        services.metric_create(actor=manager, target=target, **kwargs)
    assert error.value.message_dict == {"target": [message]}
    assert not Metric.objects.exists()


def test_metric_update_checks_the_result_whatever_field_changes(manager):
    metric = MetricFactory(name="AUC", baseline=0.8, target=0.9)
    # turning the direction round leaves the target on the wrong side
    with pytest.raises(ValidationError) as error:
        services.metric_update(metric=metric, actor=manager, direction="lower")
    assert error.value.message_dict == {
        "target": [
            "Lower is better for this metric, so the target must be below the baseline "
            "(0.8); 0.9 is not."
        ]
    }
    # raising the baseline to the target
    with pytest.raises(ValidationError):
        services.metric_update(metric=metric, actor=manager, baseline=0.9)
    metric.refresh_from_db()
    assert (metric.direction, metric.baseline, metric.target) == ("higher", 0.8, 0.9)
    # all three together are fine, and clearing the target is always fine
    services.metric_update(metric=metric, actor=manager, direction="lower", target=0.7)
    services.metric_update(metric=metric, actor=manager, baseline=0.6, target=None)
    metric.refresh_from_db()
    assert (metric.direction, metric.baseline, metric.target) == ("lower", 0.6, None)


@pytest.mark.parametrize(
    ("direction", "target", "stored"),
    [("higher", 0.9, True), ("higher", 0.8, False), ("lower", 0.7, True), ("lower", 0.8, False)],
)
def test_the_table_holds_the_target_rule(direction, target, stored):
    metric = MetricFactory(baseline=0.8, direction=direction)
    if stored:
        Metric.objects.filter(pk=metric.pk).update(target=target)
        return
    with pytest.raises(IntegrityError), transaction.atomic():
        Metric.objects.filter(pk=metric.pk).update(target=target)


def test_metric_edit_page_shows_the_service_message_and_saves(client, manager, member):
    metric = MetricFactory(name="AUC", baseline=0.8)
    url = reverse("research:metric-edit", args=[metric.pk])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(manager)
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial["name"] == "AUC"
    data = {"name": "AUC", "unit": "", "direction": "higher", "baseline": "0.8", "target": "0.8"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors == {"target": [ABOVE.format("0.8")]}
    response = client.post(url, {**data, "name": "ROC AUC", "unit": "pts", "target": "0.85"})
    assert response.status_code == 302
    metric.refresh_from_db()
    assert (metric.name, metric.unit, metric.target) == ("ROC AUC", "pts", 0.85)


def test_board_page_links_each_metric_to_its_edit_page_for_managers(client, manager, member):
    metric = MetricFactory(name="AUC")
    url = metric.board.get_absolute_url()
    edit = reverse("research:metric-edit", args=[metric.pk])
    client.force_login(manager)
    assert f'href="{edit}"' in client.get(url).content.decode()
    client.force_login(member)
    assert f'href="{edit}"' not in client.get(url).content.decode()


def test_add_metric_form_shows_the_same_message(client, manager):
    board = BoardFactory()
    client.force_login(manager)
    response = client.post(
        reverse("research:board-metric-create", args=[board.pk]),
        {"name": "RMSE", "direction": "lower", "baseline": "182", "target": "182"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"target": [BELOW.format("182")]}


def test_api_refuses_a_wrong_side_target_with_a_field_message(api_as, manager):
    board = BoardFactory()
    api = api_as(manager)
    payload = {"board": board.pk, "name": "RMSE", "direction": "lower", "baseline": 182}
    response = api.post("/api/v1/metrics/", {**payload, "target": 182}, format="json")
    assert (response.status_code, response.json()) == (400, {"target": [BELOW.format("182")]})
    created = api.post("/api/v1/metrics/", {**payload, "target": 170}, format="json")
    assert created.status_code == 201
    url = f"/api/v1/metrics/{created.json()['id']}/"
    response = api.patch(url, {"direction": "higher"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "target": [
            "Higher is better for this metric, so the target must be above the baseline "
            "(182); 170 is not."
        ]
    }
    assert api.patch(url, {"target": None}, format="json").status_code == 200


def test_board_create_refuses_a_wrong_side_target_for_its_primary_metric(client, manager):
    project = ProjectFactory()
    client.force_login(manager)
    response = client.post(
        reverse("research:project-boards", args=[project.slug]),
        {
            "title": "Churn",
            "gain_bar": "2",
            "metric_name": "AUC",
            "metric_direction": "higher",
            "metric_baseline": "0.8",
            "metric_target": "0.7",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["Target: " + ABOVE.format("0.7")]
    assert not project.boards.exists()


# --- promoting below the gain bar asks for a confirmation and records it ----------------------


@pytest.fixture
def shortlisted(member):
    """A shortlisted idea with a task, on a board with a 5 % gain bar over AUC 0.8."""
    board = BoardFactory(gain_bar=5.0)
    board.primary_metric = MetricFactory(board=board, name="AUC", unit="pts", baseline=0.8)
    board.save()
    idea = IdeaFactory(board=board, owner=member, status=Status.SHORTLISTED, title="GBM")
    Task.objects.create(idea=idea, title="Pipeline", position=1)
    return idea


def _reading(idea, value):
    ReadingFactory(idea=idea, metric=idea.board.primary_metric, value=value)


@pytest.mark.parametrize(
    ("value", "needs_confirmation"),
    [
        (0.8399, True),  # +4.99 %: below the 5 % bar
        (0.84, False),  # +5.0 %: exactly at the bar clears it
        (0.9, False),
    ],
)
def test_promotion_needs_a_confirmation_only_below_the_bar(
    member, shortlisted, value, needs_confirmation
):
    _reading(shortlisted, value)
    if not needs_confirmation:
        idea = services.idea_transition(idea=shortlisted, to=Status.PROMOTED, actor=member)
        assert idea.status == Status.PROMOTED
        assert not IdeaStatusChange.objects.filter(idea=idea, below_bar=True).exists()
        return
    with pytest.raises(ValidationError) as error:
        services.idea_transition(idea=shortlisted, to=Status.PROMOTED, actor=member)
    assert error.value.message_dict == {
        "confirm_below_bar": [
            "“GBM” gains +4.99 % on AUC (pts), below this board's gain bar of 5 %. Confirm to "
            "promote it below the bar; the promotion records that it was."
        ]
    }
    shortlisted.refresh_from_db()
    assert shortlisted.status == Status.SHORTLISTED


def test_an_idea_without_a_reading_is_not_held_at_the_bar(member, shortlisted):
    idea = services.idea_transition(idea=shortlisted, to=Status.PROMOTED, actor=member)
    assert idea.status == Status.PROMOTED


def test_a_confirmed_promotion_below_the_bar_is_recorded(member, shortlisted):
    _reading(shortlisted, 0.82)  # +2.5 %
    services.idea_transition(
        idea=shortlisted, to=Status.PROMOTED, actor=member, confirm_below_bar=True
    )
    change = IdeaStatusChange.objects.get(idea=shortlisted, to_status=Status.PROMOTED)
    assert (change.below_bar, round(change.gain_pct, 6), change.gain_bar) == (True, 2.5, 5.0)
    event = Activity.objects.filter(target_id=shortlisted.pk).latest("id")
    assert event.data["below_bar"] is True and event.data["gain_bar"] == 5.0


def test_missing_tasks_and_the_bar_are_refused_together(member, shortlisted):
    Task.objects.filter(idea=shortlisted).delete()
    _reading(shortlisted, 0.81)
    with pytest.raises(ValidationError) as error:
        services.idea_transition(idea=shortlisted, to=Status.PROMOTED, actor=member)
    assert set(error.value.message_dict) == {"tasks", "confirm_below_bar"}


def test_the_table_keeps_below_bar_to_promotions_with_figures(shortlisted):
    with pytest.raises(IntegrityError), transaction.atomic():
        IdeaStatusChange.objects.create(
            idea=shortlisted, board=shortlisted.board, to_status=Status.EXPLORING, below_bar=True,
            gain_pct=1.0, gain_bar=2.0,
        )  # fmt: skip


def test_api_asks_for_confirm_below_bar_and_the_activity_shows_it(api_as, member, shortlisted):
    _reading(shortlisted, 0.82)
    api = api_as(member)
    url = f"/api/v1/ideas/{shortlisted.pk}/transition/"
    response = api.post(url, {"to": "promoted"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "confirm_below_bar": [
            "“GBM” gains +2.5 % on AUC (pts), below this board's gain bar of 5 %. Confirm to "
            "promote it below the bar; the promotion records that it was."
        ]
    }
    response = api.post(url, {"to": "promoted", "confirm_below_bar": True}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "promoted"
    events = api.get("/api/v1/activity/?page_size=100").json()["results"]
    promoted = [e for e in events if e["data"].get("to") == "promoted"]
    assert promoted and promoted[0]["data"]["below_bar"] is True


def test_promote_page_asks_for_the_confirmation_and_the_idea_history_shows_it(
    client, member, shortlisted
):
    _reading(shortlisted, 0.82)
    client.force_login(member)
    # the board's Move (or a drop on Promoted) goes to the promotion page below the bar
    move = client.post(reverse("research:idea-move", args=[shortlisted.pk]), {"to": "promoted"})
    url = reverse("research:idea-promote", args=[shortlisted.pk])
    assert move.status_code == 302 and move["Location"] == url
    page = client.get(url).content.decode()
    assert "Below the gain bar." in page and 'name="confirm_below_bar"' in page
    data = {"tasks-TOTAL_FORMS": "1", "tasks-INITIAL_FORMS": "0", "tasks-0-title": ""}
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Confirm to promote it below the bar" in refused.context["error_text"]
    promoted = client.post(url, {**data, "confirm_below_bar": "on"})
    assert promoted.status_code == 302
    shortlisted.refresh_from_db()
    assert shortlisted.status == Status.PROMOTED
    history = client.get(shortlisted.get_absolute_url()).content.decode()
    assert "promoted below the gain bar" in history
    assert "(+2.5 % against a bar of 5 %)" in history
    # The project's timeline says so too, in the same words.
    project = shortlisted.board.project
    timeline = client.get(reverse("projects:project-timeline", args=[project.slug])).text
    assert timeline.count("Promoted below the gain bar: +2.5 % against a bar of 5 %") == 1


def test_promote_page_above_the_bar_asks_nothing(client, member, shortlisted):
    _reading(shortlisted, 0.9)
    client.force_login(member)
    move = client.post(reverse("research:idea-move", args=[shortlisted.pk]), {"to": "promoted"})
    assert move.status_code == 302
    shortlisted.refresh_from_db()
    assert shortlisted.status == Status.PROMOTED  # it had a task: promoted straight away


# --- the boards list --------------------------------------------------------------------------


def test_boards_list_shows_every_board_with_counts_and_best_gain(client, viewer):
    now = timezone.now()
    churn = BoardFactory(title="Churn model", project=ProjectFactory(name="Alpha"), gain_bar=2)
    churn.primary_metric = MetricFactory(board=churn, name="RMSE", unit="EUR",
                                         direction="lower", baseline=200)  # fmt: skip
    churn.save()
    good = IdeaFactory(board=churn, title="Good", status=Status.PROMOTED)
    dropped = IdeaFactory(board=churn, title="Better but dropped", status=Status.DROPPED,
                          dropped_reason="no")  # fmt: skip
    IdeaFactory(board=churn, title="No readings")
    for idea, value in ((good, 190), (dropped, 100)):
        Reading.objects.create(idea=idea, metric=churn.primary_metric, value=value,
                               recorded_at=now - timedelta(hours=1))  # fmt: skip
    Reading.objects.create(idea=good, metric=churn.primary_metric, value=250,
                           recorded_at=now - timedelta(days=3))  # fmt: skip
    BoardFactory(title="Empty board", project=ProjectFactory(name="Beta"))
    client.force_login(viewer)
    response = client.get(reverse("research:boards"))
    rows = [(r["board"].title, r["board"].project.name, r["board"].active_count,
             r["board"].idea_count, r["board"].promoted_count, r["gain"], r["clears"])
            for r in response.context["rows"]]  # fmt: skip
    # Good's latest 190 against 200, lower is better: +5 %; the dropped idea does not count
    assert rows == [
        ("Churn model", "Alpha", 2, 3, 1, 5.0, True),
        ("Empty board", "Beta", 0, 0, 0, None, None),
    ]
    page = response.content.decode()
    assert "+5.0 %" in page and "clears the 2 % bar" in page and "no readings yet" in page
    assert f'href="{churn.get_absolute_url()}"' in page


def test_navigation_has_boards_and_the_dashboard_links_board_names(client, member):
    idea = IdeaFactory(owner=member, status=Status.EXPLORING)
    client.force_login(member)
    page = client.get(reverse("dashboard")).content.decode()
    assert f'href="{reverse("research:boards")}"' in page
    assert f'<a href="{idea.board.get_absolute_url()}">{idea.board.title}</a>' in page


@pytest.mark.parametrize(("latest", "clears"), [(0.84, True), (0.8399, False), (0.8401, True)])
def test_a_gain_at_the_bar_clears_it_despite_float_rounding(latest, clears):
    """0.84 over 0.8 is 4.999999999999992 % in floats: the board must still say it clears 5 %."""
    numbers = progress_compute(
        latest=latest, past=None, baseline=0.8, direction="higher", gain_bar=5.0
    )
    assert numbers["clears_bar"] is clears


# --- bulk readings: messages count items from 1 ----------------------------------------------


def test_bulk_readings_on_other_peoples_ideas_name_items_counted_from_1(api_as, member):
    mine = IdeaFactory(owner=member)
    metric = MetricFactory(board=mine.board)
    theirs = IdeaFactory(board=mine.board)
    item = {"metric": metric.pk, "value": 0.8}
    items = [{**item, "idea": mine.pk}, {**item, "idea": theirs.pk}, {**item, "idea": theirs.pk}]
    response = api_as(member).post("/api/v1/readings/", items, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "You may record readings only on ideas you own; items 2, 3 (counting from 1) are on "
        "other people's ideas."
    )
    response = api_as(member).post("/api/v1/readings/", items[:2], format="json")
    assert response.json()["detail"] == (
        "You may record readings only on ideas you own; item 2 (counting from 1) is on "
        "other people's ideas."
    )
    assert not Reading.objects.exists()
