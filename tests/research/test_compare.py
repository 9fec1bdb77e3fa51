"""The board's compare page: which ideas it overlays, the picks kept in the address, the
baseline/target/gain-bar values it draws, and its query budget."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from research.models import Reading, Status
from tests.factories import BoardFactory, IdeaFactory, MetricFactory

pytestmark = pytest.mark.django_db


def _url(board) -> str:
    return f"/research/boards/{board.pk}/compare/"


@pytest.fixture
def board():
    board = BoardFactory(gain_bar=5.0)
    board.primary_metric = MetricFactory(board=board, name="AUC", baseline=0.8, target=0.9)
    board.save()
    return board


def _reading(idea, metric, value, days_ago=1):
    Reading.objects.create(
        idea=idea, metric=metric, value=value, recorded_at=timezone.now() - timedelta(days=days_ago)
    )


def _chart_data(response, metric) -> dict:
    page = response.content.decode()
    marker = f'id="compare-{metric.pk}-data" type="application/json">'
    start = page.index(marker) + len(marker)
    return json.loads(page[start : page.index("</script>", start)])


def test_default_is_the_shortlisted_ideas_and_the_best(client, viewer, board):
    metric = board.primary_metric
    shortlisted = IdeaFactory(board=board, title="Short one", status=Status.SHORTLISTED)
    best = IdeaFactory(board=board, title="Leader", status=Status.EXPLORING)
    other = IdeaFactory(board=board, title="Also ran", status=Status.EXPLORING)
    dropped = IdeaFactory(board=board, title="Gone", status=Status.DROPPED, dropped_reason="x")
    _reading(shortlisted, metric, 0.82)
    _reading(best, metric, 0.95)
    _reading(other, metric, 0.81)
    _reading(dropped, metric, 0.99)  # dropped ideas are never "the best"
    client.force_login(viewer)
    response = client.get(_url(board))
    assert response.status_code == 200
    data = _chart_data(response, metric)
    assert [i["title"] for i in data["ideas"]] == ["Short one", "Leader"]
    assert data["baseline"] == 0.8 and data["target"] == 0.9
    assert data["gain_bar"] == pytest.approx(0.84)
    assert data["gain_bar_label"] == "Gain bar (5 % over baseline)"
    assert data["ideas"][1]["series"]["points"][0]["min"] == 0.95
    page = response.content.decode()
    assert f"?ideas={shortlisted.pk}&amp;ideas={best.pk}" in page  # the share link


def test_picks_come_from_the_address(client, viewer, board):
    metric = board.primary_metric
    a = IdeaFactory(board=board, title="Alpha")
    b = IdeaFactory(board=board, title="Beta", status=Status.SHORTLISTED)
    _reading(a, metric, 0.7)
    client.force_login(viewer)
    response = client.get(_url(board), {"ideas": [a.pk]})
    assert [i["title"] for i in _chart_data(response, metric)["ideas"]] == ["Alpha"]
    page = response.content.decode()
    assert re.search(rf'value="{a.pk}"[^>]*checked', page)
    assert not re.search(rf'value="{b.pk}"[^>]*checked', page)


def test_nothing_picked_says_so(client, viewer, board):
    IdeaFactory(board=board)
    client.force_login(viewer)
    response = client.get(_url(board), {"ideas": ""})
    assert response.status_code == 400  # "" is not one of the choices
    response = client.get(_url(board) + "?ideas=")
    assert "Pick one or more ideas to compare." in response.content.decode()


@pytest.mark.parametrize(("count", "status"), [(8, 200), (9, 400)])
def test_at_most_eight_ideas(client, viewer, board, count, status):
    ideas = IdeaFactory.create_batch(count, board=board)
    client.force_login(viewer)
    response = client.get(_url(board), {"ideas": [i.pk for i in ideas]})
    assert response.status_code == status
    if status == 400:
        assert "Pick at most 8 ideas" in response.content.decode()


def test_an_idea_of_another_board_is_refused(client, viewer, board):
    foreign = IdeaFactory(board=BoardFactory())
    client.force_login(viewer)
    response = client.get(_url(board), {"ideas": [foreign.pk]})
    assert response.status_code == 400
    assert foreign.title not in response.content.decode()


def test_board_links_to_compare(client, viewer, board):
    client.force_login(viewer)
    assert _url(board) in client.get(board.get_absolute_url()).content.decode()


def test_compare_needs_sign_in(client, board):
    assert client.get(_url(board)).status_code == 302


def test_no_gain_bar_line_on_a_zero_baseline(client, viewer, board):
    zero = MetricFactory(board=board, name="Lift", baseline=0.0)
    idea = IdeaFactory(board=board, status=Status.SHORTLISTED)
    client.force_login(viewer)
    assert _chart_data(client.get(_url(board), {"ideas": [idea.pk]}), zero)["gain_bar"] is None


@pytest.mark.parametrize("size", [5, 50])
def test_compare_page_query_budget(client, viewer, size, django_assert_num_queries):
    board = BoardFactory()
    metrics = [MetricFactory(board=board) for _ in range(2)]
    ideas = IdeaFactory.create_batch(size, board=board, status=Status.SHORTLISTED)
    now = timezone.now()
    Reading.objects.bulk_create(
        Reading(idea=idea, metric=m, value=0.8, recorded_at=now - timedelta(hours=k))
        for idea in ideas
        for m in metrics
        for k in range(3)
    )
    client.force_login(viewer)
    # session, user, profile, board, ideas, progress, metrics; per metric (2): the counts
    # and bounds, the readings (a second query would bucket downsampled ones)
    with django_assert_num_queries(11):
        response = client.get(_url(board))
    data = _chart_data(response, metrics[0])
    assert len(data["ideas"]) == min(size, 8)  # at most the first eight shortlisted ideas
    assert response.content.decode().count('type="checkbox"') == size
