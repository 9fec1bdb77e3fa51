"""Research pages: wiring, permissions, forms without JavaScript, query budgets."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from research.models import Board, Idea, Reading, Status, Task
from tests.factories import BoardFactory, IdeaFactory, MetricFactory, ProjectFactory, UserFactory
from tests.research.test_transitions import IDEA_TABLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    board = BoardFactory()
    metric = MetricFactory(board=board, name="AUC", baseline=0.8)
    board.primary_metric = metric
    board.save()
    return board


def test_board_page_shows_columns_cards_and_progress(client, viewer, board):
    idea = IdeaFactory(board=board, title="Boosted trees", maturity="offline")
    Reading.objects.create(idea=idea, metric=board.primary_metric, value=0.84)
    Reading.objects.create(
        idea=idea,
        metric=board.primary_metric,
        value=0.82,
        recorded_at=timezone.now() - timedelta(days=8),
    )
    client.force_login(viewer)
    response = client.get(reverse("research:board-detail", args=[board.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("Proposed", "Exploring", "Prototyping", "Shortlisted", "Promoted", "Dropped"):
        assert f">{label} <span" in html
    assert "Boosted trees" in html and "Offline validated" in html
    assert "↑" in html and "better" in html and "clears the bar" in html
    # a viewer gets no move controls and no drag handles
    assert 'draggable="true"' not in html and "Move to" not in html


def test_board_page_since_parameter(client, viewer, board):
    client.force_login(viewer)
    response = client.get(reverse("research:board-detail", args=[board.pk]) + "?since=3")
    assert response.context["since_days"] == 3


def test_owner_moves_card_without_javascript(client, member, board):
    idea = IdeaFactory(board=board, owner=member)
    client.force_login(member)
    page = client.get(reverse("research:board-detail", args=[board.pk])).content.decode()
    assert f'for="id_move_{idea.pk}_to">Move to</label>' in page
    response = client.post(reverse("research:idea-move", args=[idea.pk]), {"to": "exploring"})
    assert response.status_code == 302
    assert Idea.objects.get(pk=idea.pk).status == Status.EXPLORING


def test_move_by_fetch_answers_json(client, member, board):
    idea = IdeaFactory(board=board, owner=member)
    client.force_login(member)
    url = reverse("research:idea-move", args=[idea.pk])
    bad = client.post(url, {"to": "dropped"}, headers={"Accept": "application/json"})
    assert bad.status_code == 400 and "reason" in bad.json()["error"].lower()
    ok = client.post(url, {"to": "exploring"}, headers={"Accept": "application/json"})
    assert ok.json() == {"status": "exploring", "label": "Exploring"}
    other = IdeaFactory(board=board)
    denied = client.post(
        reverse("research:idea-move", args=[other.pk]),
        {"to": "exploring"},
        headers={"Accept": "application/json"},
    )
    assert denied.status_code == 403


def test_illegal_move_shows_a_message_and_changes_nothing(client, member, board):
    idea = IdeaFactory(board=board, owner=member)
    client.force_login(member)
    response = client.post(
        reverse("research:idea-move", args=[idea.pk]), {"to": "shortlisted"}, follow=True
    )
    assert "was not moved" in response.content.decode()
    assert Idea.objects.get(pk=idea.pk).status == Status.PROPOSED


def test_promoting_asks_for_tasks(client, manager, member, board):
    idea = IdeaFactory(board=board, status=Status.SHORTLISTED)
    client.force_login(manager)
    response = client.post(reverse("research:idea-move", args=[idea.pk]), {"to": "promoted"})
    promote_url = reverse("research:idea-promote", args=[idea.pk])
    assert response.url == promote_url
    empty = {"tasks-TOTAL_FORMS": "2", "tasks-INITIAL_FORMS": "0", "tasks-0-title": ""}
    assert client.post(promote_url, empty).status_code == 400
    assert Idea.objects.get(pk=idea.pk).status == Status.SHORTLISTED
    data = {
        "tasks-TOTAL_FORMS": "2",
        "tasks-INITIAL_FORMS": "0",
        "tasks-0-title": "Feature pipeline",
        "tasks-0-owner": str(member.pk),
        "tasks-1-title": "",
    }
    response = client.post(promote_url, data)
    assert response.status_code == 302
    assert Idea.objects.get(pk=idea.pk).status == Status.PROMOTED
    assert list(Task.objects.values_list("title", "owner")) == [("Feature pipeline", member.pk)]
    page = client.get(reverse("research:idea-detail", args=[idea.pk])).content.decode()
    assert "Feature pipeline" in page


def test_idea_page_with_chart_data_and_reading_form(client, member, board):
    idea = IdeaFactory(board=board, owner=member)
    Reading.objects.create(idea=idea, metric=board.primary_metric, value=0.81)
    client.force_login(member)
    response = client.get(reverse("research:idea-detail", args=[idea.pk]))
    html = response.content.decode()
    assert f'id="chart-{board.primary_metric.pk}-data"' in html
    assert "chart.umd.min.js" in html
    assert 'name="value"' in html
    response = client.post(
        reverse("research:idea-reading-create", args=[idea.pk]),
        {"metric": board.primary_metric.pk, "value": "0.83", "note": "fold 2"},
    )
    assert response.status_code == 302
    assert Reading.objects.filter(idea=idea, value=0.83, source="manual").exists()


def test_idea_page_offers_exactly_the_allowed_moves_to_its_owner(client, member, board):
    """The move form is on the idea page with the moves the table allows from proposed."""
    idea = IdeaFactory(board=board, owner=member, status="proposed")
    client.force_login(member)
    html = client.get(reverse("research:idea-detail", args=[idea.pk])).content.decode()
    assert 'class="move-form' in html
    offered = set(
        re.findall(
            r'<option value="(\w+)"', html.split('class="move-form', 1)[1].split("</form>")[0]
        )
    )
    assert offered == {"exploring", "dropped"}


@pytest.mark.parametrize("value", ["nan", "inf", "abc"])
def test_reading_form_refuses_non_finite_values(client, member, board, value):
    idea = IdeaFactory(board=board, owner=member)
    client.force_login(member)
    response = client.post(
        reverse("research:idea-reading-create", args=[idea.pk]),
        {"metric": board.primary_metric.pk, "value": value},
    )
    assert response.status_code == 400
    assert not Reading.objects.exists()


def test_reading_form_refuses_future_dates(client, member, board):
    idea = IdeaFactory(board=board, owner=member)
    client.force_login(member)
    response = client.post(
        reverse("research:idea-reading-create", args=[idea.pk]),
        {"metric": board.primary_metric.pk, "value": "0.8", "recorded_at": "2999-01-01T10:00"},
    )
    assert response.status_code == 400
    assert "future" in response.content.decode()


def test_viewer_cannot_post_anything(client, viewer, board):
    idea = IdeaFactory(board=board)
    client.force_login(viewer)
    posts = [
        (reverse("research:idea-move", args=[idea.pk]), {"to": "exploring"}),
        (
            reverse("research:idea-reading-create", args=[idea.pk]),
            {"metric": board.primary_metric.pk, "value": "1"},
        ),
        (reverse("research:board-idea-create", args=[board.pk]), {"title": "x"}),
        (reverse("research:project-boards", args=[board.project.slug]), {"title": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert not Reading.objects.exists()
    assert Idea.objects.get(pk=idea.pk).status == Status.PROPOSED


def test_manager_creates_board_from_project_board_list(client, manager):
    project = ProjectFactory()
    client.force_login(manager)
    url = reverse("research:project-boards", args=[project.slug])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Churn",
            "gain_bar": "2",
            "metric_name": "AUC",
            "metric_direction": "higher",
            "metric_baseline": "0.8",
        },
    )
    board = Board.objects.get(project=project)
    assert response.url == board.get_absolute_url()
    assert board.primary_metric.name == "AUC"


def test_member_proposes_idea_on_board(client, member, board):
    client.force_login(member)
    response = client.post(
        reverse("research:board-idea-create", args=[board.pk]),
        {"title": "Target encoding", "hypothesis": "", "maturity": "idea"},
    )
    assert response.status_code == 302
    assert Idea.objects.get(title="Target encoding").owner == member


def _fill_board(board, n: int, readings_each: int = 20):
    metrics = [board.primary_metric, MetricFactory(board=board, direction="lower")]
    now = timezone.now()
    ideas = IdeaFactory.create_batch(n, board=board)
    Reading.objects.bulk_create(
        Reading(idea=idea, metric=m, value=float(k), recorded_at=now - timedelta(hours=k))
        for idea in ideas
        for m in metrics
        for k in range(readings_each)
    )


@pytest.mark.parametrize("size", [5, 50])
def test_board_page_query_count_does_not_grow(
    client, manager, board, size, django_assert_num_queries
):
    _fill_board(board, size)
    client.force_login(manager)
    url = reverse("research:board-detail", args=[board.pk])
    # session, user, profile, board, ideas, progress pairs, metrics, funnel changes, and
    # the card badges of other slices (open flags: one query for all cards)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="idea-card') == size


def test_manager_changes_gain_bar_and_primary_metric(client, manager, member, board):
    rmse = MetricFactory(board=board, name="RMSE", direction="lower", baseline=10)
    url = reverse("research:board-settings", args=[board.pk])
    client.force_login(member)
    assert client.post(url, {"title": "x", "gain_bar": "5"}).status_code == 403
    client.force_login(manager)
    response = client.post(
        url, {"title": board.title, "gain_bar": "4.5", "primary_metric": str(rmse.pk)}
    )
    assert response.status_code == 302
    board.refresh_from_db()
    assert board.gain_bar == 4.5 and board.primary_metric == rmse
    assert client.post(url, {"title": board.title, "gain_bar": "-1"}).status_code == 400


def test_board_list_for_unknown_project_is_404(client, viewer):
    client.force_login(viewer)
    response = client.get(reverse("research:project-boards", args=["nope"]))
    assert response.status_code == 404


ALLOWED_MOVES = [(start, to) for start, targets in IDEA_TABLE.items() for to in sorted(targets)]


@pytest.mark.parametrize("channel", ["ui", "api"])
@pytest.mark.parametrize(("start", "to"), ALLOWED_MOVES)
def test_every_allowed_move_works_through_ui_and_api(client, api_as, manager, channel, start, to):
    """One walk of the transition table through both adapters: the same service answers."""
    idea = IdeaFactory(status=start, dropped_reason="old" if start == Status.DROPPED else "")
    Task.objects.create(idea=idea, title="Serve it")
    data = {"to": to, "reason": "No lift"}
    if channel == "ui":
        client.force_login(manager)
        response = client.post(reverse("research:idea-move", args=[idea.pk]), data)
        assert response.status_code == 302
    else:
        response = api_as(manager).post(f"/api/v1/ideas/{idea.pk}/transition/", data)
        assert response.status_code == 200, response.content
    assert Idea.objects.get(pk=idea.pk).status == to


def test_up_and_down_buttons_reorder_without_javascript(client, member, board):
    first, second = IdeaFactory(board=board, owner=member), IdeaFactory(board=board, owner=member)
    client.force_login(member)
    page = client.get(reverse("research:board-detail", args=[board.pk])).content.decode()
    assert "↓ Down" in page and "↑ Up" in page
    response = client.post(reverse("research:idea-reorder", args=[second.pk]), {"index": "0"})
    assert response.status_code == 302
    assert list(
        Idea.objects.filter(board=board).order_by("position").values_list("pk", flat=True)
    ) == [
        second.pk,
        first.pk,
    ]


def test_stale_board_move_reports_the_race(client, member, manager, board):
    idea = IdeaFactory(board=board, owner=member)
    client.force_login(manager)
    client.post(reverse("research:idea-move", args=[idea.pk]), {"to": "exploring"})
    client.force_login(member)
    url = reverse("research:idea-move", args=[idea.pk])
    data = {"to": "dropped", "reason": "x", "from": "proposed"}
    response = client.post(url, data, headers={"Accept": "application/json"})
    assert response.status_code == 409 and "meanwhile" in response.json()["error"]
    followed = client.post(url, data, follow=True)
    assert "meanwhile" in followed.content.decode()
    assert Idea.objects.get(pk=idea.pk).status == Status.EXPLORING


def test_promoting_a_proposed_idea_is_refused_on_the_board(client, manager, board):
    idea = IdeaFactory(board=board)
    client.force_login(manager)
    response = client.post(
        reverse("research:idea-move", args=[idea.pk]), {"to": "promoted"}, follow=True
    )
    assert "was not moved" in response.content.decode()
    assert Idea.objects.get(pk=idea.pk).status == Status.PROPOSED


@pytest.mark.parametrize("size", [5, 50])
def test_project_board_tab_lists_boards_and_tasks_in_constant_queries(
    client, viewer, size, django_assert_num_queries
):
    project = ProjectFactory()
    for n in range(size):
        idea = IdeaFactory(board=BoardFactory(project=project), status="promoted")
        Task.objects.create(idea=idea, title=f"Task {n}", position=n)
    client.force_login(viewer)
    url = reverse("research:project-boards", args=[project.slug])
    # session, user, profile, project, boards with counts, tasks with idea and owner, and
    # the header's badges (open flags)
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Task ") >= size
    assert 'aria-current="page"' in page and ">Board<" in page


def test_viewer_cannot_toggle_a_task_they_own(client, viewer):
    task = Task.objects.create(idea=IdeaFactory(), title="Build it", owner=viewer)
    client.force_login(viewer)
    response = client.post(reverse("research:task-toggle", args=[task.pk]))
    assert response.status_code == 403
    task.refresh_from_db()
    assert not task.done


def test_task_owner_toggles_their_task(client, member):
    task = Task.objects.create(idea=IdeaFactory(), title="Build it", owner=member)
    client.force_login(member)
    client.post(reverse("research:task-toggle", args=[task.pk]))
    task.refresh_from_db()
    assert task.done
    client.post(reverse("research:task-toggle", args=[task.pk]))
    task.refresh_from_db()
    assert not task.done


@pytest.mark.parametrize("size", [3, 10])
def test_promote_page_queries_people_once_whatever_the_number_of_task_forms(
    client, manager, member, board, size, django_assert_num_queries
):
    idea = IdeaFactory(board=board, status=Status.SHORTLISTED)
    client.force_login(manager)
    data = {"tasks-TOTAL_FORMS": str(size), "tasks-INITIAL_FORMS": "0"}
    for n in range(size):
        data[f"tasks-{n}-title"] = ""
        data[f"tasks-{n}-owner"] = str(member.pk)
    url = reverse("research:idea-promote", args=[idea.pk])
    # session, user, idea, profile; the idea's gain against the bar (one progress query:
    # the page asks for a confirmation below the bar); people (once); existing tasks. Rows
    # with an owner but no title are form errors, so the service is not reached.
    with django_assert_num_queries(7):
        response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('<fieldset class="task-row">') == size
    assert page.count(f'<option value="{member.pk}" selected>') == size


def test_promote_refuses_an_inactive_or_unknown_owner_as_a_form_error(client, manager, board):
    idea = IdeaFactory(board=board, status=Status.SHORTLISTED)
    gone = UserFactory(is_active=False)
    client.force_login(manager)
    url = reverse("research:idea-promote", args=[idea.pk])
    for owner in (gone.pk, 10**6, "x"):
        data = {
            "tasks-TOTAL_FORMS": "1",
            "tasks-INITIAL_FORMS": "0",
            "tasks-0-title": "Pipeline",
            "tasks-0-owner": str(owner),
        }
        response = client.post(url, data)
        assert response.status_code == 400
        assert "owner" in response.context["formset"].forms[0].errors
    assert not Task.objects.exists()


def test_promote_without_the_management_form_is_a_400_with_the_error_shown(client, manager, board):
    idea = IdeaFactory(board=board, status=Status.SHORTLISTED)
    client.force_login(manager)
    response = client.post(
        reverse("research:idea-promote", args=[idea.pk]), {"tasks-0-title": "Pipeline"}
    )
    assert response.status_code == 400
    assert "ManagementForm data is missing" in response.content.decode()
    assert Idea.objects.get(pk=idea.pk).status == Status.SHORTLISTED
    assert client.get(reverse("research:idea-promote", args=[idea.pk])).status_code == 200


def test_task_toggles_show_only_to_people_who_may_use_them(client, viewer, member, manager):
    idea = IdeaFactory(status="promoted")
    mine = Task.objects.create(idea=idea, title="Mine", owner=member, position=0)
    Task.objects.create(idea=idea, title="Theirs", position=1)
    url = reverse("research:idea-detail", args=[idea.pk])
    toggle = reverse("research:task-toggle", args=[mine.pk])
    client.force_login(viewer)
    assert 'action="/research/tasks/' not in client.get(url).content.decode()
    client.force_login(member)
    page = client.get(url).content.decode()
    assert page.count('action="/research/tasks/') == 1 and f'action="{toggle}"' in page
    client.force_login(manager)
    assert client.get(url).content.decode().count('action="/research/tasks/') == 2


def test_a_promote_row_with_an_owner_but_no_title_is_an_error_not_dropped(client, manager):
    idea = IdeaFactory(status="shortlisted")
    client.force_login(manager)
    url = reverse("research:idea-promote", args=[idea.pk])
    data = {
        "tasks-TOTAL_FORMS": "2", "tasks-INITIAL_FORMS": "0",
        "tasks-MIN_NUM_FORMS": "0", "tasks-MAX_NUM_FORMS": "30",
        "tasks-0-title": "", "tasks-0-owner": str(manager.pk),
        "tasks-1-title": "Serve the model", "tasks-1-owner": "",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Give this task a title" in response.content.decode()
    idea.refresh_from_db()
    assert idea.status == "shortlisted" and not idea.tasks.exists()


def test_dashboard_shows_my_ideas_and_my_open_tasks(client, member):
    mine = IdeaFactory(owner=member, title="Uplift model", status="exploring")
    IdeaFactory(owner=member, title="Old hunch", status="dropped", dropped_reason="No signal.")
    promoted = IdeaFactory(status="promoted", title="Churn scorer")
    Task.objects.create(idea=promoted, title="Build the scoring job", owner=member, position=0)
    Task.objects.create(
        idea=promoted, title="Already shipped", owner=member, done=True, state="done"
    )
    client.force_login(member)
    page = client.get(reverse("dashboard")).content.decode()
    assert mine.title in page and "Old hunch" not in page
    assert "Build the scoring job" in page and "Already shipped" not in page


def test_an_idea_owner_deletes_a_mistaken_reading_and_others_cannot(
    client, api_as, member, viewer, manager
):
    idea = IdeaFactory(owner=member)
    metric = MetricFactory(board=idea.board)
    wrong = Reading.objects.create(idea=idea, metric=metric, value=1e9)
    other = Reading.objects.create(idea=idea, metric=metric, value=0.8)
    url = reverse("research:reading-delete", args=[wrong.pk])
    client.force_login(viewer)
    assert client.post(url).status_code == 403
    assert (
        "Delete"
        not in client.get(idea.get_absolute_url()).content.decode().split('id="readings"')[1]
    )
    assert api_as(viewer).delete(f"/api/v1/readings/{wrong.pk}/").status_code == 403
    client.force_login(member)
    assert client.post(url).status_code == 302
    assert not Reading.objects.filter(pk=wrong.pk).exists()
    from activity.models import Activity, EventType

    assert Activity.objects.filter(event=EventType.READING_DELETED).count() == 1
    assert api_as(manager).delete(f"/api/v1/readings/{other.pk}/").status_code == 204
    assert not Reading.objects.exists()
