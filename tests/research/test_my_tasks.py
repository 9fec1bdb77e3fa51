"""My tasks: task states and their transitions, due dates, claiming ("assign to me") and its
race, the My tasks page, the dashboard, the project overview panel and the API."""

import datetime
import threading

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.exceptions import Conflict
from projects.models import Phase
from research import services
from research.models import Task
from tests.factories import BoardFactory, IdeaFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# Literal: every move between different states is allowed (reopening included).
ALLOWED = {
    ("todo", "in_progress"),
    ("todo", "done"),
    ("in_progress", "todo"),
    ("in_progress", "done"),
    ("done", "todo"),
    ("done", "in_progress"),
}
STATES = ["todo", "in_progress", "done"]


def _task(*, state="todo", owner=None, idea=None, **fields) -> Task:
    return Task.objects.create(
        idea=idea or IdeaFactory(status="promoted"),
        title=fields.pop("title", "Build the scoring job"),
        owner=owner,
        state=state,
        done=state == "done",
        **fields,
    )


# --- states ----------------------------------------------------------------------------------


@pytest.mark.parametrize("to", STATES)
@pytest.mark.parametrize("start", STATES)
def test_every_state_move_follows_the_table_and_keeps_done(member, start, to):
    task = _task(state=start, owner=member)
    if start == to:
        services.task_update(task=task, actor=member, state=to)  # a no-op, not an error
    elif (start, to) in ALLOWED:
        services.task_update(task=task, actor=member, state=to)
    task.refresh_from_db()
    assert task.state == to
    assert task.done is (to == "done")


def test_the_table_is_complete():
    from research.transitions import TASK_TRANSITIONS

    pairs = {(a, b) for a, targets in TASK_TRANSITIONS.items() for b in targets}
    assert pairs == ALLOWED


@pytest.mark.parametrize(
    "start, done, expected",
    [
        ("todo", True, "done"),
        ("in_progress", True, "done"),
        ("done", False, "todo"),
        ("in_progress", False, "in_progress"),
        ("todo", False, "todo"),
    ],
)
def test_done_flag_moves_the_state(member, start, done, expected):
    task = _task(state=start, owner=member)
    services.task_update(task=task, actor=member, done=done)
    task.refresh_from_db()
    assert (task.state, task.done) == (expected, expected == "done")


def test_toggle_reopens_a_done_task_as_to_do(member):
    task = _task(state="done", owner=member)
    services.task_update(task=task, actor=member, toggle=True)
    task.refresh_from_db()
    assert (task.state, task.done) == ("todo", False)


def test_unknown_state_and_disagreeing_done_are_field_errors(member):
    task = _task(owner=member)
    with pytest.raises(ValidationError) as error:
        services.task_update(task=task, actor=member, state="blocked")
    assert error.value.message_dict == {"state": ["Choose one of: to do, in progress, done."]}
    with pytest.raises(ValidationError) as error:
        services.task_update(task=task, actor=member, state="done", done=False)
    assert list(error.value.message_dict) == ["done"]
    task.refresh_from_db()
    assert task.state == "todo"


def test_database_refuses_done_out_of_step_with_state():
    from django.db import IntegrityError, transaction

    task = _task(state="in_progress")
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(done=True)
    done = _task(state="done")
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=done.pk).update(done=False)


def test_a_new_task_made_with_only_one_flag_saying_done_is_done():
    idea = IdeaFactory()
    by_flag = Task.objects.create(idea=idea, title="A", done=True)
    by_state = Task.objects.create(idea=idea, title="B", state="done")
    assert [(t.state, t.done) for t in (by_flag, by_state)] == [("done", True)] * 2


def test_only_the_task_or_idea_owner_or_a_manager_moves_a_task(member, viewer, manager):
    task = _task(owner=UserFactory())
    with pytest.raises(PermissionDenied):
        services.task_update(task=task, actor=member, state="in_progress")
    with pytest.raises(PermissionDenied):
        services.task_update(task=task, actor=viewer, state="in_progress")
    services.task_update(task=task, actor=manager, state="in_progress")
    task.refresh_from_db()
    assert task.state == "in_progress"


def test_due_date_is_set_by_the_idea_owner_not_the_task_owner(member):
    idea_owner = UserFactory()
    task = _task(owner=member, idea=IdeaFactory(owner=idea_owner, status="promoted"))
    due = TODAY + datetime.timedelta(days=7)
    with pytest.raises(PermissionDenied):
        services.task_update(task=task, actor=member, due_date=due)
    services.task_update(task=task, actor=idea_owner, due_date=due)
    task.refresh_from_db()
    assert task.due_date == due


def test_task_create_takes_a_due_date(member):
    idea = IdeaFactory(owner=member, status="promoted")
    due = TODAY + datetime.timedelta(days=3)
    task = services.task_create(idea=idea, title="Ship it", actor=member, due_date=due)
    assert (task.due_date, task.state, task.done) == (due, "todo", False)


# --- claiming -------------------------------------------------------------------------------


def test_claim_assigns_an_unassigned_task(member):
    task = _task()
    services.task_claim(task=task, actor=member)
    task.refresh_from_db()
    assert task.owner == member


def test_claiming_a_claimed_task_is_a_conflict_naming_the_owner(member):
    owner = UserFactory(first_name="Grace", last_name="Hopper")
    task = _task(owner=owner)
    with pytest.raises(Conflict) as error:
        services.task_claim(task=task, actor=member)
    assert str(error.value) == (
        "Grace Hopper already claimed this task; reload to see who has what."
    )
    task.refresh_from_db()
    assert task.owner == owner


def test_claiming_your_own_task_changes_nothing(member):
    task = _task(owner=member)
    assert services.task_claim(task=task, actor=member).owner == member


def test_a_done_task_cannot_be_claimed_and_viewers_cannot_claim(member, viewer):
    with pytest.raises(ValidationError):
        services.task_claim(task=_task(state="done"), actor=member)
    with pytest.raises(PermissionDenied):
        services.task_claim(task=_task(), actor=viewer)


@pytest.mark.django_db(transaction=True)
def test_two_people_claiming_at_once_one_wins_one_conflicts():
    assert connection.vendor == "postgresql", "row locks need PostgreSQL"
    ids = [UserFactory(role="member").pk, UserFactory(role="member").pk]
    task_id = _task().pk
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def claim(user_id: int) -> None:
        try:
            user = User.objects.select_related("profile").get(pk=user_id)
            task = Task.objects.get(pk=task_id)
            barrier.wait(timeout=10)
            services.task_claim(task=task, actor=user)
            outcomes.append("claimed")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(user_id,)) for user_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["claimed", "conflict"]
    assert Task.objects.get(pk=task_id).owner_id in ids


# --- the API ---------------------------------------------------------------------------------


def test_api_claim_is_409_when_someone_was_faster(api_as, member):
    task = _task(owner=UserFactory(first_name="Grace", last_name="Hopper"))
    response = api_as(member).post(f"/api/v1/tasks/{task.pk}/claim/")
    assert response.status_code == 409
    assert "Grace Hopper already claimed this task" in str(response.json())
    free = _task()
    response = api_as(member).post(f"/api/v1/tasks/{free.pk}/claim/")
    assert response.status_code == 200
    assert response.json()["owner"] == member.pk


def test_api_tasks_show_and_change_state_and_due_date(api_as, member):
    task = _task(owner=member)
    api = api_as(member)
    response = api.patch(f"/api/v1/tasks/{task.pk}/", {"state": "in_progress"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["state"], response.json()["done"]) == ("in_progress", False)
    bad = api.patch(f"/api/v1/tasks/{task.pk}/", {"state": "blocked"}, format="json")
    assert bad.status_code == 400
    assert list(bad.json()) == ["state"]
    assert api.get(f"/api/v1/tasks/{task.pk}/").json()["due_date"] is None


def test_api_filters_mine_assignee_and_state(api_as, member):
    mine_open = _task(owner=member, title="Mine open")
    _task(owner=member, state="done", title="Mine done")
    free = _task(title="Free")
    theirs = _task(owner=UserFactory(), state="in_progress", title="Theirs")
    api = api_as(member)

    def ids(query: str) -> set[int]:
        response = api.get(f"/api/v1/tasks/?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids("mine=true&state=open") == {mine_open.pk}
    assert ids("assignee=me&state=open") == {mine_open.pk}
    assert ids("assignee=unassigned") == {free.pk}
    assert ids("state=in_progress") == {theirs.pk}
    assert api.get("/api/v1/tasks/?state=blocked").status_code == 400


# --- pages ------------------------------------------------------------------------------------


def test_my_tasks_shows_my_open_tasks_by_default(client, member):
    mine = _task(owner=member, title="Mine open", due_date=TODAY - datetime.timedelta(days=1))
    _task(owner=member, state="done", title="Mine finished")
    _task(title="Nobody's task")
    client.force_login(member)
    page = client.get(reverse("research:my-tasks")).text
    assert "Mine open" in page
    assert "Mine finished" not in page and "Nobody&#x27;s task" not in page
    assert "(overdue)" in page
    assert f'action="{reverse("research:task-state", args=[mine.pk])}"' in page
    # A page number is no filter: still my open tasks.
    paged = client.get(reverse("research:my-tasks"), {"page": "1"}).text
    assert "Mine open" in paged
    assert "Mine finished" not in paged and "Nobody&#x27;s task" not in paged


def test_my_tasks_filters_to_tasks_to_claim(client, member):
    _task(owner=member, title="Mine open")
    free = _task(title="Free to take")
    client.force_login(member)
    page = client.get(reverse("research:my-tasks"), {"assignee": "unassigned"}).text
    assert "Free to take" in page and "Mine open" not in page
    assert f'action="{reverse("research:task-claim", args=[free.pk])}"' in page
    assert "Assign to me" in page


def test_claim_and_move_from_the_list(client, member):
    task = _task(title="Free to take")
    client.force_login(member)
    claimed = client.post(reverse("research:task-claim", args=[task.pk]), follow=True)
    assert "“Free to take” is yours." in claimed.text
    moved = client.post(
        reverse("research:task-state", args=[task.pk]), {"state": "in_progress"}, follow=True
    )
    assert "“Free to take” is in progress." in moved.text
    task.refresh_from_db()
    assert (task.owner, task.state) == (member, "in_progress")


def test_claim_lost_to_someone_else_shows_their_name(client, member):
    task = _task(owner=UserFactory(first_name="Grace", last_name="Hopper"))
    client.force_login(member)
    response = client.post(reverse("research:task-claim", args=[task.pk]), follow=True)
    assert "Grace Hopper already claimed this task" in response.text


def test_open_tasks_on_a_released_project_are_marked(client, member):
    project = ProjectFactory(phase=Phase.RELEASED)
    idea = IdeaFactory(board=BoardFactory(project=project), status="promoted")
    _task(owner=member, idea=idea, title="Still open")
    client.force_login(member)
    assert "Project released" in client.get(reverse("research:my-tasks")).text
    overview = client.get(project.get_absolute_url()).text
    assert "Still open" in overview and "Project released" in overview


def test_project_overview_lists_its_tasks(client, viewer):
    project = ProjectFactory()
    idea = IdeaFactory(board=BoardFactory(project=project), status="promoted")
    _task(idea=idea, title="Overview task", state="in_progress")
    _task(title="Another project's task")
    client.force_login(viewer)
    page = client.get(project.get_absolute_url()).text
    assert "Overview task" in page and "In progress" in page
    assert "Another project&#x27;s task" not in page


def test_dashboard_offers_claim_and_state_buttons(client, member):
    project = ProjectFactory()
    project.members.add(member)
    idea = IdeaFactory(board=BoardFactory(project=project), status="promoted")
    mine = _task(owner=member, idea=idea, title="Mine on dashboard")
    free = _task(idea=idea, title="Free on dashboard")
    _task(title="Free elsewhere")  # not on the person's projects
    client.force_login(member)
    page = client.get(reverse("dashboard")).text
    assert "Mine on dashboard" in page and "Free on dashboard" in page
    assert "Free elsewhere" not in page
    assert f'action="{reverse("research:task-claim", args=[free.pk])}"' in page
    assert f'action="{reverse("research:task-state", args=[mine.pk])}"' in page


@pytest.mark.parametrize("size", [5, 50])
def test_my_tasks_query_budget(client, member, django_assert_num_queries, size):
    titles = []
    for i in range(size):
        project = ProjectFactory(phase=Phase.RELEASED if i % 2 else Phase.RESEARCH)
        idea = IdeaFactory(board=BoardFactory(project=project), status="promoted")
        _task(owner=member, idea=idea, title=f"Budget task {i:02}", due_date=TODAY)
        titles.append(f"Budget task {i:02}")
    client.force_login(member)
    # session, user, profile; the count, the tasks with idea, board, project and owner; the
    # projects of the filter
    with django_assert_num_queries(6):
        response = client.get(reverse("research:my-tasks"))
    missing = [title for title in titles if title not in response.text]
    assert not missing


def test_idea_page_adds_a_task_with_a_due_date(client, member):
    idea = IdeaFactory(owner=member, status="promoted")
    client.force_login(member)
    due = TODAY + datetime.timedelta(days=10)
    response = client.post(
        reverse("research:idea-task-create", args=[idea.pk]),
        {"title": "Backfill features", "due_date": due.isoformat()},
    )
    assert response.status_code == 302
    task = Task.objects.get(idea=idea)
    assert (task.title, task.due_date, task.state) == ("Backfill features", due, "todo")
    assert 'name="due_date"' in client.get(idea.get_absolute_url()).text


# --- editing --------------------------------------------------------------------------------


def test_the_idea_owner_edits_title_owner_and_due_date_from_the_idea_page(client, member):
    idea = IdeaFactory(owner=member, status="promoted")
    task = _task(idea=idea, title="Backfill", due_date=TODAY)
    engineer = UserFactory(first_name="Ada", last_name="Byron")
    client.force_login(member)
    edit = reverse("research:task-edit", args=[task.pk])
    assert f'href="{edit}"' in client.get(idea.get_absolute_url()).text
    form = client.get(edit).text
    assert 'value="Backfill"' in form and f'value="{TODAY.isoformat()}"' in form
    due = TODAY + datetime.timedelta(days=14)
    response = client.post(
        edit, {"title": " Backfill features ", "owner": engineer.pk, "due_date": due.isoformat()}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{idea.get_absolute_url()}#tasks"
    task.refresh_from_db()
    assert (task.title, task.owner, task.due_date) == ("Backfill features", engineer, due)
    # Clearing the due date and the owner is an edit too.
    client.post(edit, {"title": "Backfill features", "owner": "", "due_date": ""})
    task.refresh_from_db()
    assert (task.owner, task.due_date) == (None, None)


def test_editing_a_task_refuses_bad_input_with_form_errors_and_keeps_the_task(client, member):
    task = _task(idea=IdeaFactory(owner=member, status="promoted"), title="Backfill")
    client.force_login(member)
    edit = reverse("research:task-edit", args=[task.pk])
    response = client.post(edit, {"title": "", "due_date": "31/02/2026"})
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert "Enter a valid date." in response.text
    response = client.post(edit, {"title": "x" * 201})
    assert response.status_code == 400
    task.refresh_from_db()
    assert (task.title, task.due_date) == ("Backfill", None)


def test_only_the_idea_owner_or_a_manager_may_open_the_task_editor(client, member, manager):
    task = _task(owner=member, idea=IdeaFactory(owner=UserFactory(), status="promoted"))
    edit = reverse("research:task-edit", args=[task.pk])
    client.force_login(member)  # the task's owner moves its state, no more
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"title": "Renamed"}).status_code == 403
    page = client.get(reverse("research:my-tasks")).text
    assert f'href="{edit}' not in page
    client.force_login(manager)
    page = client.get(reverse("research:my-tasks"), {"assignee": "", "state": ""}).text
    assert f'href="{edit}?next=' in page
    assert client.get(edit).status_code == 200
    task.refresh_from_db()
    assert task.title == "Build the scoring job"


def test_editing_a_task_keeps_an_owner_who_has_since_left(client, member):
    gone = UserFactory(first_name="Lin", last_name="Gone", is_active=False)
    task = _task(owner=gone, idea=IdeaFactory(owner=member, status="promoted"), title="Backfill")
    client.force_login(member)
    edit = reverse("research:task-edit", args=[task.pk])
    assert f'<option value="{gone.pk}" selected>' in client.get(edit).text
    response = client.post(edit, {"title": "Backfill v2", "owner": gone.pk})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.title, task.owner) == ("Backfill v2", gone)
