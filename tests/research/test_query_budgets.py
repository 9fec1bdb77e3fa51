"""Query budgets of every research list: the same exact count at 5 and 50 rows, with the
rows really returned or rendered. A new query per row (an N+1) fails these tests; a new
query per request must be justified by updating the count and its comment."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from research.models import IdeaStatusChange, Reading, Status, Task
from tests.factories import BoardFactory, IdeaFactory, MetricFactory, ProjectFactory

pytestmark = pytest.mark.django_db

SIZES = [5, 50]
DASHBOARD_QUERIES = 14  # + the data-gaps panel (my open requests) and the flags panel
# (flags I own, unacknowledged flags on my projects), and the tasks to claim on my projects


def _boards(n: int) -> None:
    project = ProjectFactory()
    for _ in range(n):
        board = BoardFactory(project=project)
        board.primary_metric = MetricFactory(board=board)
        board.save()
        MetricFactory(board=board)


def _ideas_with_tasks(n: int, owner=None) -> list:
    board = BoardFactory()
    MetricFactory(board=board)
    ideas = IdeaFactory.create_batch(n, board=board, status=Status.PROMOTED,
                                     **({"owner": owner} if owner else {}))  # fmt: skip
    Task.objects.bulk_create(
        Task(idea=idea, title=f"Task {i}", owner=owner or idea.owner, position=i)
        for i, idea in enumerate(ideas)
    )
    return ideas


@pytest.mark.parametrize("size", SIZES)
def test_board_list_api(api_as, viewer, size, django_assert_num_queries):
    _boards(size)
    api = api_as(viewer)
    # count, boards with project and primary metric, their metrics (one prefetch)
    with django_assert_num_queries(3):
        response = api.get("/api/v1/boards/?page_size=100")
    results = response.json()["results"]
    assert len(results) == size and all(len(board["metrics"]) == 2 for board in results)


@pytest.mark.parametrize("size", SIZES)
def test_metric_list_api(api_as, viewer, size, django_assert_num_queries):
    _boards(size)
    api = api_as(viewer)
    # count, metrics with their board, the best idea per metric
    with django_assert_num_queries(3):
        response = api.get("/api/v1/metrics/?page_size=100")
    assert len(response.json()["results"]) == 2 * size


@pytest.mark.parametrize("size", SIZES)
def test_idea_list_api(api_as, viewer, size, django_assert_num_queries):
    _ideas_with_tasks(size)
    api = api_as(viewer)
    # count, ideas with their owner, progress pairs
    with django_assert_num_queries(3):
        response = api.get("/api/v1/ideas/?page_size=100")
    results = response.json()["results"]
    assert len(results) == size and all(idea["owner_name"] for idea in results)


@pytest.mark.parametrize("size", SIZES)
def test_reading_list_api(api_as, viewer, size, django_assert_num_queries):
    idea = IdeaFactory()
    metric = MetricFactory(board=idea.board)
    now = timezone.now()
    Reading.objects.bulk_create(
        Reading(idea=idea, metric=metric, value=float(k), recorded_at=now - timedelta(hours=k))
        for k in range(size)
    )
    api = api_as(viewer)
    # count, readings
    with django_assert_num_queries(2):
        response = api.get("/api/v1/readings/?page_size=100")
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_task_list_api(api_as, viewer, size, django_assert_num_queries):
    _ideas_with_tasks(size)
    api = api_as(viewer)
    # count, tasks
    with django_assert_num_queries(2):
        response = api.get("/api/v1/tasks/?page_size=100")
    results = response.json()["results"]
    assert len(results) == size and {task["title"] for task in results} >= {"Task 0"}


@pytest.mark.parametrize("size", SIZES)
def test_idea_page(client, member, size, django_assert_num_queries):
    idea = IdeaFactory(owner=member)
    metrics = [MetricFactory(board=idea.board) for _ in range(3)]
    now = timezone.now()
    Reading.objects.bulk_create(
        Reading(idea=idea, metric=m, value=float(k), recorded_at=now - timedelta(hours=k))
        for m in metrics
        for k in range(size)
    )
    Task.objects.bulk_create(
        Task(idea=idea, title=f"Step {k}", owner=member, position=k) for k in range(size)
    )
    IdeaStatusChange.objects.bulk_create(
        IdeaStatusChange(idea=idea, board=idea.board, from_status="", to_status="proposed",
                         actor=member)
        for _ in range(size)
    )  # fmt: skip
    client.force_login(member)
    url = reverse("research:idea-detail", args=[idea.pk])
    # session, user, profile, idea with board/project/owner, metrics, progress, a page of
    # readings, the reading count (capped), tasks, status history, people for the task form,
    # metrics for the reading form; other slices: the idea's badges (open flags), its
    # data-gap requests and its flags (page panels), and its runs panel (the idea's runs, the
    # board's runs without an idea). 17, was 18: the charts fetch their series from the API
    # now, so the page no longer reads the chart history.
    with django_assert_num_queries(17):
        response = client.get(url)
    page = response.content.decode()
    assert page.count("Step ") == 2 * size  # its title, and its edit link's label
    assert page.count('class="task-edit"') == size
    assert page.count('class="status-history"') == 1
    assert page.count("<li><time") == min(size, 20)
    assert page.count('action="/research/readings/') == min(3 * size, 50)


@pytest.mark.parametrize("size", SIZES)
def test_dashboard_research_panel(client, member, size, django_assert_num_queries):
    IdeaFactory.create_batch(size, owner=member, status=Status.EXPLORING)
    _ideas_with_tasks(size, owner=member)
    client.force_login(member)
    url = reverse("dashboard")
    client.get(url)  # warm per-process caches (content types)
    # the whole dashboard: session, user, profile, the other panels, and research's two
    # queries (ideas with their board, open tasks with idea, board and project)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(url)
    page = response.content.decode()
    panel = page[page.index('id="my-ideas"') :]
    assert panel.count("<li><a href=") == 10  # the ten most recently changed ideas
    tasks = panel[panel.index('id="my-tasks"') :]
    assert tasks.count("<li>Task ") == min(size, 10)


@pytest.mark.parametrize("size", SIZES)
def test_boards_page(client, viewer, size, django_assert_num_queries):
    _boards(size)
    for board in BoardFactory._meta.model.objects.all():
        idea = IdeaFactory(board=board)
        Reading.objects.create(idea=idea, metric=board.primary_metric, value=0.9)
    client.force_login(viewer)
    url = reverse("research:boards")
    client.get(url)  # warm per-process caches
    # session, user, profile, and the boards with project, primary metric, idea counts and
    # best idea (one query)
    with django_assert_num_queries(4):
        response = client.get(url)
    page = response.content.decode()
    assert page.count('<th scope="row">') == size
    assert page.count("+12.5 %") == size
