"""The research API: wiring, permissions, status codes, bulk ingestion, query budgets."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from research.models import Idea, Reading, Status, Task
from tests.factories import (
    BoardFactory,
    IdeaFactory,
    MetricFactory,
    ProjectFactory,
    ReadingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _errors_by_index(response) -> dict:
    """The readings endpoint's one 400 shape, keyed by index (None: single or whole)."""
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"errors"}
    return {entry.pop("index"): entry for entry in response.json()["errors"]}


@pytest.fixture
def board():
    board = BoardFactory(gain_bar=2.0)
    metric = MetricFactory(board=board, name="AUC", baseline=0.80)
    board.primary_metric = metric
    board.save()
    return board


def test_manager_creates_board_with_primary_metric_and_member_cannot(api_as, manager, member):
    project = ProjectFactory()
    payload = {
        "project": project.slug,
        "title": "Churn",
        "gain_bar": 2.5,
        "primary_metric": {"name": "AUC", "baseline": 0.8, "direction": "higher"},
    }
    assert api_as(member).post("/api/v1/boards/", payload, format="json").status_code == 403
    response = api_as(manager).post("/api/v1/boards/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["metrics"][0]["name"] == "AUC"
    assert response.json()["primary_metric"] == response.json()["metrics"][0]["id"]
    duplicate = api_as(manager).post("/api/v1/boards/", payload, format="json")
    assert duplicate.status_code == 400


def test_metric_list_names_the_best_idea(api_as, viewer, board):
    metric = board.primary_metric
    low, high = IdeaFactory.create_batch(2, board=board)
    ReadingFactory(idea=low, metric=metric, value=0.7)
    ReadingFactory(idea=high, metric=metric, value=0.9)
    data = api_as(viewer).get(f"/api/v1/metrics/?board={board.pk}").json()
    assert data["results"][0]["best_idea"] == high.pk
    assert data["results"][0]["best_value"] == 0.9


def test_idea_list_has_progress_and_since_days(api_as, viewer, board):
    metric = board.primary_metric
    idea = IdeaFactory(board=board)
    now = timezone.now()
    ReadingFactory(idea=idea, metric=metric, value=0.80, recorded_at=now - timedelta(days=10))
    ReadingFactory(idea=idea, metric=metric, value=0.82, recorded_at=now - timedelta(days=3))
    ReadingFactory(idea=idea, metric=metric, value=0.84, recorded_at=now - timedelta(hours=1))
    api = api_as(viewer)
    progress = api.get("/api/v1/ideas/").json()["results"][0]["progress"][0]
    assert progress["metric"] == metric.pk and progress["primary"] is True
    assert progress["latest"] == pytest.approx(0.84)
    assert progress["past"] == pytest.approx(0.80)
    assert progress["gain_pct"] == pytest.approx(5.0)
    assert progress["clears_bar"] is True
    progress = api.get("/api/v1/ideas/?since_days=2").json()["results"][0]["progress"][0]
    assert progress["past"] == pytest.approx(0.82)
    detail = api.get(f"/api/v1/ideas/{idea.pk}/?since_days=2").json()
    assert detail["allowed_transitions"] == ["exploring", "dropped"]


def test_member_proposes_idea_viewer_cannot(api_as, member, viewer, board):
    payload = {"board": board.pk, "title": "Target encoding", "maturity": "notebook"}
    assert api_as(viewer).post("/api/v1/ideas/", payload).status_code == 403
    response = api_as(member).post("/api/v1/ideas/", payload)
    assert response.status_code == 201, response.content
    assert response.json()["owner"] == member.pk and response.json()["status"] == "proposed"


def test_status_is_not_writable_through_edit(api_as, member, board):
    idea = IdeaFactory(board=board, owner=member)
    response = api_as(member).patch(f"/api/v1/ideas/{idea.pk}/", {"status": "promoted"})
    assert response.status_code == 200
    idea.refresh_from_db()
    assert idea.status == Status.PROPOSED


def test_transition_endpoint(api_as, member, manager, viewer, board):
    idea = IdeaFactory(board=board, owner=member)
    url = f"/api/v1/ideas/{idea.pk}/transition/"
    assert api_as(viewer).post(url, {"to": "exploring"}).status_code == 403
    illegal = api_as(member).post(url, {"to": "promoted"})
    assert illegal.status_code == 400 and "to" in illegal.json()
    no_reason = api_as(member).post(url, {"to": "dropped"})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    unknown = api_as(member).post(url, {"to": "shipped"})
    assert unknown.status_code == 400
    ok = api_as(member).post(url, {"to": "dropped", "reason": "Leaks the label"})
    assert ok.status_code == 200 and ok.json()["dropped_reason"] == "Leaks the label"
    revived = api_as(member).post(url, {"to": "proposed"})
    assert revived.json()["status"] == "proposed"
    other = IdeaFactory(board=board)
    assert api_as(member).post(f"/api/v1/ideas/{other.pk}/transition/",
                               {"to": "exploring"}).status_code == 403  # fmt: skip


def test_promotion_through_api_creates_tasks(api_as, manager, member, board):
    idea = IdeaFactory(board=board, status=Status.SHORTLISTED)
    url = f"/api/v1/ideas/{idea.pk}/transition/"
    refused = api_as(manager).post(url, {"to": "promoted"}, format="json")
    assert refused.status_code == 400 and "tasks" in refused.json()
    response = api_as(manager).post(
        url,
        {"to": "promoted", "tasks": [{"title": "Backfill features", "owner": member.pk}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    tasks = api_as(member).get(f"/api/v1/tasks/?idea={idea.pk}").json()["results"]
    assert [t["title"] for t in tasks] == ["Backfill features"]
    done = api_as(member).patch(f"/api/v1/tasks/{tasks[0]['id']}/", {"done": True})
    assert done.status_code == 200 and done.json()["done"] is True


# --- readings ---------------------------------------------------------------------------


def test_single_reading(api_as, member, board):
    idea = IdeaFactory(board=board, owner=member)
    metric = board.primary_metric
    response = api_as(member).post(
        "/api/v1/readings/", {"idea": idea.pk, "metric": metric.pk, "value": 0.83}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "api"
    with_source = api_as(member).post(
        "/api/v1/readings/",
        {"idea": idea.pk, "metric": metric.pk, "value": 0.84, "source": "run-7",
         "recorded_at": "2026-01-01T10:00:00Z", "note": "fold 3"},
        format="json",
    )  # fmt: skip
    assert with_source.json()["source"] == "run-7"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value": "NaN"}, "value"),
        ({"value": "Infinity"}, "value"),
        ({"value": "abc"}, "value"),
        ({"recorded_at": "2999-01-01T00:00:00Z"}, "recorded_at"),
        ({"idea": 0}, "idea"),
        ({"metric": "other-board"}, "metric"),
    ],
)
def test_single_reading_bad_input_is_400(api_as, member, board, change, field):
    idea = IdeaFactory(board=board, owner=member)
    payload = {"idea": idea.pk, "metric": board.primary_metric.pk, "value": 0.8, **change}
    if payload["metric"] == "other-board":
        payload["metric"] = MetricFactory().pk
    response = api_as(member).post("/api/v1/readings/", payload, format="json")
    errors = _errors_by_index(response)
    assert list(errors) == [None] and field in errors[None]
    assert not Reading.objects.exists()


def test_non_finite_json_literals_are_refused(api_as, member, board):
    idea = IdeaFactory(board=board, owner=member)
    body = f'[{{"idea": {idea.pk}, "metric": {board.primary_metric.pk}, "value": NaN}}]'
    response = api_as(member).post("/api/v1/readings/", body, content_type="application/json")
    assert response.status_code == 400
    assert not Reading.objects.exists()


def test_bulk_readings_all_or_nothing(api_as, member, board):
    idea = IdeaFactory(board=board, owner=member)
    metric = board.primary_metric
    good = {"idea": idea.pk, "metric": metric.pk, "value": 0.81, "source": "run-1"}
    api = api_as(member)
    response = api.post("/api/v1/readings/", [good] * 3, format="json")
    assert response.status_code == 201 and response.json() == {"created": 3}
    bad = [good, good, good, {**good, "value": "x"}, {**good, "metric": MetricFactory().pk}]
    response = api.post("/api/v1/readings/", bad, format="json")
    errors = _errors_by_index(response)
    assert list(errors) == [3, 4] and "value" in errors[3] and "metric" in errors[4]
    assert Reading.objects.count() == 3


def test_bulk_readings_over_the_cap(api_as, member, board):
    idea = IdeaFactory(board=board, owner=member)
    item = {"idea": idea.pk, "metric": board.primary_metric.pk, "value": 1}
    response = api_as(member).post("/api/v1/readings/", [item] * 10_001, format="json")
    assert response.status_code == 400
    assert "10,000" in json.dumps(response.json())
    assert not Reading.objects.exists()


def test_bulk_readings_on_someone_elses_idea_is_403(api_as, member, viewer, board):
    idea = IdeaFactory(board=board)
    item = {"idea": idea.pk, "metric": board.primary_metric.pk, "value": 1}
    assert api_as(member).post("/api/v1/readings/", [item], format="json").status_code == 403
    assert api_as(viewer).post("/api/v1/readings/", [item], format="json").status_code == 403
    assert api_as(viewer).post("/api/v1/readings/", item, format="json").status_code == 403
    assert not Reading.objects.exists()


def test_bulk_ingestion_of_ten_thousand_readings(api_as, member, board):
    idea = IdeaFactory(board=board, owner=member)
    start = timezone.now() - timedelta(days=7)
    items = [
        {
            "idea": idea.pk,
            "metric": board.primary_metric.pk,
            "value": 0.8 + i * 1e-6,
            "recorded_at": (start + timedelta(seconds=i)).isoformat(),
            "source": "run-big",
        }
        for i in range(10_000)
    ]
    response = api_as(member).post("/api/v1/readings/", items, format="json")
    assert response.status_code == 201
    assert Reading.objects.filter(source="run-big").count() == 10_000


# --- query budgets ----------------------------------------------------------------------


def _board_with_ideas(n: int, readings_each: int = 20):
    board = BoardFactory()
    metrics = [MetricFactory(board=board), MetricFactory(board=board, direction="lower")]
    board.primary_metric = metrics[0]
    board.save()
    now = timezone.now()
    ideas = IdeaFactory.create_batch(n, board=board)
    Reading.objects.bulk_create(
        Reading(idea=idea, metric=metric, value=float(k), recorded_at=now - timedelta(hours=k))
        for idea in ideas
        for metric in metrics
        for k in range(readings_each)
    )
    return board


@pytest.mark.parametrize("size", [5, 50])
def test_idea_list_query_count_does_not_grow(api_as, viewer, size, django_assert_num_queries):
    _board_with_ideas(size)
    api = api_as(viewer)
    # count, page of ideas (board, project, owner joined), progress pairs
    with django_assert_num_queries(3):
        response = api.get("/api/v1/ideas/?page_size=100")
    assert len(response.json()["results"]) == size
    assert all(len(idea["progress"]) == 2 for idea in response.json()["results"])


def test_idea_objects_untouched_by_failed_transition(api_as, member):
    idea = IdeaFactory(owner=member)
    api_as(member).post(f"/api/v1/ideas/{idea.pk}/transition/", {"to": "promoted"})
    assert Idea.objects.get(pk=idea.pk).status == Status.PROPOSED
    assert not Task.objects.exists()


def test_openapi_schema_documents_the_research_endpoints(api_as, viewer):
    response = api_as(viewer).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    for path in (
        "/api/v1/boards/",
        "/api/v1/metrics/",
        "/api/v1/ideas/",
        "/api/v1/ideas/{id}/transition/",
        "/api/v1/readings/",
        "/api/v1/tasks/",
    ):
        assert path in schema["paths"], path
    readings = schema["paths"]["/api/v1/readings/"]["post"]
    assert {"201", "400", "403"} <= set(readings["responses"])
    assert "oneOf" in schema["components"]["schemas"]["ReadingInputRequest"]
    transition = schema["paths"]["/api/v1/ideas/{id}/transition/"]["post"]
    assert {"200", "400", "403", "404"} <= set(transition["responses"])


def test_manager_patches_board_and_metric(api_as, manager, member, board):
    metric = board.primary_metric
    other = MetricFactory()
    api = api_as(manager)
    assert api_as(member).patch(f"/api/v1/boards/{board.pk}/", {"gain_bar": 5}).status_code == 403
    response = api.patch(f"/api/v1/boards/{board.pk}/", {"gain_bar": 5})
    assert response.status_code == 200 and response.json()["gain_bar"] == 5
    foreign = api.patch(f"/api/v1/boards/{board.pk}/", {"primary_metric": other.pk})
    assert foreign.status_code == 400 and "primary_metric" in foreign.json()
    response = api.patch(f"/api/v1/metrics/{metric.pk}/", {"baseline": 0.75, "target": 0.9})
    assert response.status_code == 200
    assert response.json()["baseline"] == 0.75 and response.json()["target"] == 0.9
    cleared = api.patch(f"/api/v1/metrics/{metric.pk}/", {"target": None}, format="json")
    assert cleared.json()["target"] is None
    created = api.post(
        "/api/v1/metrics/",
        {"board": board.pk, "name": "Latency", "unit": "ms", "direction": "lower", "baseline": 40},
    )
    assert created.status_code == 201, created.content
    assert (
        api_as(member)
        .post("/api/v1/metrics/", {"board": board.pk, "name": "X", "baseline": 1})
        .status_code
        == 403
    )


def test_activity_is_recorded_for_api_writes(api_as, member, board):
    from activity.models import Activity, EventType

    idea_id = api_as(member).post("/api/v1/ideas/", {"board": board.pk, "title": "T"}).json()["id"]
    api_as(member).post(f"/api/v1/ideas/{idea_id}/transition/", {"to": "exploring"})
    api_as(member).post(
        "/api/v1/readings/",
        [{"idea": idea_id, "metric": board.primary_metric.pk, "value": 1.0}],
        format="json",
    )
    verbs = set(Activity.objects.filter(project=board.project).values_list("event", flat=True))
    assert {EventType.IDEA_CREATED, EventType.IDEA_MOVED, EventType.READINGS_RECORDED} <= verbs


def test_transition_from_a_stale_status_is_a_409(api_as, member, manager, board):
    idea = IdeaFactory(board=board, owner=member)
    api_as(manager).post(f"/api/v1/ideas/{idea.pk}/transition/", {"to": "exploring"})
    response = api_as(member).post(
        f"/api/v1/ideas/{idea.pk}/transition/", {"to": "dropped", "reason": "x",
                                                  "expected_from": "proposed"}
    )  # fmt: skip
    assert response.status_code == 409
    assert Idea.objects.get(pk=idea.pk).status == Status.EXPLORING


def test_is_best_is_board_wide_even_on_a_small_page(api_as, viewer, board):
    metric = board.primary_metric
    first, second = IdeaFactory(board=board), IdeaFactory(board=board)
    ReadingFactory(idea=first, metric=metric, value=0.7)
    ReadingFactory(idea=second, metric=metric, value=0.9)
    page = api_as(viewer).get("/api/v1/ideas/?page_size=1&ordering=id").json()
    assert page["results"][0]["id"] == first.pk
    assert page["results"][0]["progress"][0]["is_best"] is False


def test_board_funnel_endpoint(api_as, viewer, member, board):
    from research import services

    idea = services.idea_create(board=board, title="A", actor=member)
    services.idea_transition(idea=idea, to="exploring", actor=member)
    data = api_as(viewer).get(f"/api/v1/boards/{board.pk}/funnel/?weeks=4").json()
    assert len(data["labels"]) == 5 and data["labels"][-1] == "now"
    assert data["series"]["exploring"][-1] == 1 and data["series"]["proposed"][-1] == 0


def test_admin_lists_research_models(client, admin_user, board):
    IdeaFactory(board=board)
    client.force_login(admin_user)
    for name in ("board", "idea", "reading", "ideastatuschange"):
        assert client.get(f"/admin/research/{name}/").status_code == 200


def test_task_owner_cannot_rename_or_reassign_through_api(api_as, member, manager):
    task = Task.objects.create(idea=IdeaFactory(), title="Build it", owner=member)
    client = api_as(member)
    assert client.patch(f"/api/v1/tasks/{task.pk}/", {"title": "Mine"}).status_code == 403
    assert client.patch(f"/api/v1/tasks/{task.pk}/", {"owner": manager.pk}).status_code == 403
    assert client.patch(f"/api/v1/tasks/{task.pk}/", {"done": True}).status_code == 200
    task.refresh_from_db()
    assert (task.title, task.owner, task.done) == ("Build it", member, True)


def test_extreme_readings_are_refused_and_old_ones_do_not_break_the_idea_list(
    api_as, member, board
):
    idea = IdeaFactory(board=board, owner=member)
    metric = board.primary_metric
    items = [
        {"idea": idea.pk, "metric": metric.pk, "value": -1.7e308},
        {"idea": idea.pk, "metric": metric.pk, "value": 1.7e308},
    ]
    response = api_as(member).post("/api/v1/readings/", items, format="json")
    assert "between" in _errors_by_index(response)[0]["value"][0]
    assert not Reading.objects.exists()
    # readings stored before the bound existed: the list still renders, change unknown
    ReadingFactory(
        idea=idea, metric=metric, value=-1.7e308, recorded_at=timezone.now() - timedelta(days=60)
    )
    ReadingFactory(idea=idea, metric=metric, value=1.7e308)
    response = api_as(member).get("/api/v1/ideas/")
    assert response.status_code == 200
    progress = response.json()["results"][0]["progress"][0]
    assert progress["change"] is None and progress["gain_pct"] is None


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('"value": 1' + "0" * 400, "value"),
        ('"value": -1' + "0" * 400, "value"),
        ('"idea": 1' + "0" * 30, "idea"),
        ('"metric": 9223372036854775808', "metric"),
    ],
)
def test_bulk_readings_with_huge_integers_are_a_400(api_as, member, board, raw, field):
    idea = IdeaFactory(board=board, owner=member)
    good = {"idea": idea.pk, "metric": board.primary_metric.pk, "value": 0.5}
    key = raw.split(":")[0].strip('"')
    item = ", ".join(f'"{k}": {json.dumps(v)}' for k, v in good.items() if k != key)
    body = f"[{json.dumps(good)}, {{{item}, {raw}}}]"
    response = api_as(member).post("/api/v1/readings/", body, content_type="application/json")
    assert field in _errors_by_index(response)[1]
    assert not Reading.objects.exists()


def test_owner_fields_accept_only_active_people(api_as, manager, member, board):
    gone = UserFactory(is_active=False)
    api = api_as(manager)
    idea = IdeaFactory(board=board, owner=member, status=Status.SHORTLISTED)
    task = Task.objects.create(idea=idea, title="Build it")
    calls = [
        ("post", "/api/v1/ideas/", {"board": board.pk, "title": "T", "owner": gone.pk}),
        ("patch", f"/api/v1/ideas/{idea.pk}/", {"owner": gone.pk}),
        ("post", "/api/v1/tasks/", {"idea": idea.pk, "title": "T", "owner": gone.pk}),
        ("patch", f"/api/v1/tasks/{task.pk}/", {"owner": gone.pk}),
    ]
    for method, url, payload in calls:
        response = getattr(api, method)(url, payload, format="json")
        assert response.status_code == 400, (url, response.content)
        assert "owner" in response.json(), (url, response.content)
    response = api.post(
        f"/api/v1/ideas/{idea.pk}/transition/",
        {"to": "promoted", "tasks": [{"title": "T", "owner": gone.pk}]},
        format="json",
    )
    assert response.status_code == 400 and "tasks" in response.json()
    idea.refresh_from_db()
    task.refresh_from_db()
    assert (idea.owner, idea.status, task.owner) == (member, Status.SHORTLISTED, None)
    assert Idea.objects.count() == 1 and Task.objects.count() == 1
