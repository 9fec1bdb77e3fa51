"""The idea list is served from the cache until research data changes."""

import pytest

from research.cache import research_data_changed
from tests.factories import IdeaFactory, MetricFactory, ReadingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def list_cache(settings):
    settings.IDEA_LIST_CACHE_SECONDS = 30
    research_data_changed()  # start from a stamp no earlier test has cached under


def _latest(response, idea_pk: int) -> float:
    idea = next(row for row in response.json()["results"] if row["id"] == idea_pk)
    return idea["progress"][0]["latest"]


def test_a_repeated_idea_list_is_served_from_the_cache(
    list_cache, api_as, viewer, django_assert_num_queries
):
    idea = IdeaFactory()
    ReadingFactory(idea=idea, metric=MetricFactory(board=idea.board), value=0.83)
    api = api_as(viewer)
    first = api.get("/api/v1/ideas/", {"board": idea.board_id})
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = api.get("/api/v1/ideas/", {"board": idea.board_id})
    assert second.status_code == 200
    assert second.content == first.content


def test_a_reading_posted_through_the_api_is_visible_at_once(list_cache, api_as, manager):
    idea = IdeaFactory()
    metric = MetricFactory(board=idea.board)
    ReadingFactory(idea=idea, metric=metric, value=0.81)
    api = api_as(manager)
    assert _latest(api.get("/api/v1/ideas/", {"board": idea.board_id}), idea.pk) == 0.81
    posted = api.post("/api/v1/readings/", {"idea": idea.pk, "metric": metric.pk, "value": 0.9})
    assert posted.status_code == 201, posted.content
    assert _latest(api.get("/api/v1/ideas/", {"board": idea.board_id}), idea.pk) == 0.9


def test_the_browsable_api_is_not_cached(list_cache, client, viewer):
    IdeaFactory()
    client.force_login(viewer)
    response = client.get("/api/v1/ideas/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"<html" in response.content
