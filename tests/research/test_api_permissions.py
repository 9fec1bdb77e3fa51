"""Who may write through the research API: the service decides, the API shows its message.

Every write endpoint calls the service's own user-level check before it reads the body, so
a viewer gets the service's 403 even for an empty or invalid body (not a 400).
"""

import pytest
from django.core.exceptions import PermissionDenied

from research import services
from research.models import Idea, Reading, Task
from tests.factories import BoardFactory, IdeaFactory, MetricFactory, ReadingFactory

pytestmark = pytest.mark.django_db


def _service_message(call) -> str:
    with pytest.raises(PermissionDenied) as denied:
        call()
    return str(denied.value)


@pytest.fixture
def objects(member):
    idea = IdeaFactory(owner=member)
    metric = MetricFactory(board=idea.board)
    return {
        "board": idea.board,
        "metric": metric,
        "idea": idea,
        "reading": ReadingFactory(idea=idea, metric=metric),
        "task": Task.objects.create(idea=idea, title="Build it"),
    }


MANAGER_WRITES = [
    ("post", "/api/v1/boards/"),
    ("patch", "/api/v1/boards/{board}/"),
    ("post", "/api/v1/metrics/"),
    ("patch", "/api/v1/metrics/{metric}/"),
]
MEMBER_WRITES = [
    ("post", "/api/v1/ideas/"),
    ("patch", "/api/v1/ideas/{idea}/"),
    ("post", "/api/v1/ideas/{idea}/transition/"),
    ("post", "/api/v1/readings/"),
    ("delete", "/api/v1/readings/{reading}/"),
    ("post", "/api/v1/tasks/"),
    ("patch", "/api/v1/tasks/{task}/"),
]


def _url(template: str, objects: dict) -> str:
    return template.format(**{name: obj.pk for name, obj in objects.items()})


@pytest.mark.parametrize("body", [{}, {"title": ""}, "not json"])
@pytest.mark.parametrize(("method", "url"), MEMBER_WRITES)
def test_a_viewer_gets_the_services_403_on_every_member_write(
    api_as, viewer, objects, method, url, body
):
    expected = _service_message(
        lambda: services.idea_create(board=objects["board"], title="T", actor=viewer)
    )
    assert expected == _service_message(
        lambda: services.readings_ingest(items=[], actor=viewer)
    ) == _service_message(
        lambda: services.task_update(task=objects["task"], done=True, actor=viewer)
    ) == _service_message(
        lambda: services.idea_update(idea=objects["idea"], title="T", actor=viewer)
    )  # fmt: skip
    kwargs = {"content_type": "application/json", "data": body if body == "not json" else None}
    if body != "not json":
        kwargs = {"data": body, "format": "json"}
    response = getattr(api_as(viewer), method)(_url(url, objects), **kwargs)
    assert response.status_code == 403, response.content
    assert response.json() == {"detail": expected}


@pytest.mark.parametrize("body", [{}, {"title": ""}])
@pytest.mark.parametrize(("method", "url"), MANAGER_WRITES)
def test_a_member_gets_the_services_403_on_every_manager_write(
    api_as, member, objects, method, url, body
):
    expected = _service_message(
        lambda: services.board_update(board=objects["board"], title="T", actor=member)
    )
    assert expected == _service_message(
        lambda: services.metric_create(board=objects["board"], name="N", baseline=1, actor=member)
    )
    response = getattr(api_as(member), method)(_url(url, objects), body, format="json")
    assert response.status_code == 403, response.content
    assert response.json() == {"detail": expected}


def test_a_member_cannot_rename_someone_elses_idea_through_the_api(api_as, member, manager):
    """The owner check lives in ``idea_update`` only: without it this test fails."""
    idea = IdeaFactory(owner=manager, title="Manager's idea")
    expected = _service_message(
        lambda: services.idea_update(idea=idea, title="Mine now", actor=member)
    )
    response = api_as(member).patch(f"/api/v1/ideas/{idea.pk}/", {"title": "Mine now"})
    assert response.status_code == 403
    assert response.json() == {"detail": expected}
    assert Idea.objects.get(pk=idea.pk).title == "Manager's idea"
    own = api_as(manager).patch(f"/api/v1/ideas/{idea.pk}/", {"title": "Renamed by owner"})
    assert own.status_code == 200 and own.json()["title"] == "Renamed by owner"


def test_a_member_cannot_delete_a_reading_on_someone_elses_idea(api_as, member, manager):
    reading = ReadingFactory(idea=IdeaFactory(owner=manager))
    response = api_as(member).delete(f"/api/v1/readings/{reading.pk}/")
    assert response.status_code == 403
    assert Reading.objects.filter(pk=reading.pk).exists()


def test_the_html_pages_refuse_a_viewer_with_the_services_message(client, viewer):
    board = BoardFactory()
    expected = _service_message(lambda: services.idea_create(board=board, title="T", actor=viewer))
    client.force_login(viewer)
    response = client.post(f"/research/boards/{board.pk}/ideas/", {})
    assert response.status_code == 403
    assert expected in response.content.decode()
