"""Research services: who may write, the transition table, promotion, readings, the gate."""

import math
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from activity.models import Activity, EventType
from core.registries import gate_problems
from projects.models import Phase
from research import services
from research.gates import NO_PROMOTED_IDEA
from research.models import Idea, IdeaStatusChange, Reading, Status, Task
from tests.factories import BoardFactory, IdeaFactory, MetricFactory, ProjectFactory, UserFactory
from tests.research.test_transitions import IDEA_TABLE

pytestmark = pytest.mark.django_db


def test_board_create_with_primary_metric_records_activity(manager):
    project = ProjectFactory()
    board = services.board_create(
        project=project,
        title="Churn model",
        question="Can we predict churn a month ahead?",
        gain_bar=2.5,
        actor=manager,
        primary_metric={"name": "AUC", "baseline": 0.8, "direction": "higher"},
    )
    assert board.primary_metric.name == "AUC"
    assert Activity.objects.filter(project=project, event=EventType.BOARD_CREATED).exists()
    assert Activity.objects.filter(project=project, event=EventType.METRIC_CREATED).exists()


@pytest.mark.parametrize("user_fixture", ["viewer", "member"])
def test_only_managers_create_boards_and_metrics(request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    with pytest.raises(PermissionDenied):
        services.board_create(project=ProjectFactory(), title="B", actor=user)
    with pytest.raises(PermissionDenied):
        services.metric_create(board=BoardFactory(), name="AUC", baseline=0.5, actor=user)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "0.5", True])
def test_metric_baseline_must_be_a_finite_number(manager, bad):
    with pytest.raises(ValidationError) as error:
        services.metric_create(board=BoardFactory(), name="AUC", baseline=bad, actor=manager)
    assert "baseline" in error.value.message_dict


@pytest.mark.parametrize("field", ["baseline", "target"])
@pytest.mark.parametrize("bad", [1.7e308, -1.7e308, 1e15 + 1e3, -2e15])
def test_metric_baseline_and_target_are_bounded(manager, field, bad):
    values = {"baseline": 0.5, field: bad}
    with pytest.raises(ValidationError) as error:
        services.metric_create(board=BoardFactory(), name="AUC", actor=manager, **values)
    assert "between -1,000,000,000,000,000 and" in error.value.message_dict[field][0]
    metric = MetricFactory()
    with pytest.raises(ValidationError) as error:
        services.metric_update(metric=metric, actor=manager, **{field: bad})
    assert field in error.value.message_dict


def test_metric_baseline_at_the_bound_is_fine(manager):
    metric = services.metric_create(
        board=BoardFactory(), name="Rows", baseline=-1e15, target=1e15, actor=manager
    )
    assert (metric.baseline, metric.target) == (-1e15, 1e15)


def test_duplicate_board_title_is_a_validation_error(manager):
    board = BoardFactory()
    with pytest.raises(ValidationError):
        services.board_create(project=board.project, title=board.title, actor=manager)


def test_idea_create_records_first_status_change(member):
    board = BoardFactory()
    idea = services.idea_create(board=board, title="Gradient boosting", actor=member)
    assert idea.owner == member and idea.status == Status.PROPOSED
    change = IdeaStatusChange.objects.get(idea=idea)
    assert change.from_status == "" and change.to_status == Status.PROPOSED
    assert Activity.objects.filter(event=EventType.IDEA_CREATED, target_id=idea.pk).exists()


def test_viewer_cannot_create_ideas_and_member_cannot_assign_others(viewer, member):
    with pytest.raises(PermissionDenied):
        services.idea_create(board=BoardFactory(), title="x", actor=viewer)
    with pytest.raises(PermissionDenied):
        services.idea_create(board=BoardFactory(), title="x", actor=member, owner=UserFactory())


ALL_MOVES = [(a, b) for a in Status.values for b in Status.values if a != b]


@pytest.mark.parametrize(("start", "to"), ALL_MOVES)
def test_transition_table_is_enforced(manager, start, to):
    idea = IdeaFactory(status=start, dropped_reason="x" if start == Status.DROPPED else "")
    Task.objects.create(idea=idea, title="Ship it")
    if to in IDEA_TABLE[start]:
        moved = services.idea_transition(idea=idea, to=to, actor=manager, reason="because")
        assert moved.status == to
        assert IdeaStatusChange.objects.filter(idea=idea, from_status=start, to_status=to).exists()
    else:
        with pytest.raises(ValidationError) as error:
            services.idea_transition(idea=idea, to=to, actor=manager, reason="because")
        assert "to" in error.value.message_dict
        idea.refresh_from_db()
        assert idea.status == start
        assert not IdeaStatusChange.objects.filter(idea=idea).exists()


def test_unknown_status_is_refused(manager):
    with pytest.raises(ValidationError):
        services.idea_transition(idea=IdeaFactory(), to="shipped", actor=manager)


def test_dropping_needs_a_reason_and_revival_clears_it(member):
    idea = IdeaFactory(owner=member)
    with pytest.raises(ValidationError) as error:
        services.idea_transition(idea=idea, to=Status.DROPPED, actor=member, reason="  ")
    assert "reason" in error.value.message_dict
    idea = services.idea_transition(idea=idea, to=Status.DROPPED, actor=member, reason="No lift")
    assert idea.dropped_reason == "No lift"
    idea = services.idea_transition(idea=idea, to=Status.EXPLORING, actor=member)
    assert idea.status == Status.EXPLORING and idea.dropped_reason == ""


def test_members_move_only_their_own_ideas(member, manager, viewer):
    theirs = IdeaFactory()
    with pytest.raises(PermissionDenied):
        services.idea_transition(idea=theirs, to=Status.EXPLORING, actor=member)
    with pytest.raises(PermissionDenied):
        services.idea_transition(idea=IdeaFactory(owner=viewer), to=Status.EXPLORING, actor=viewer)
    assert services.idea_transition(idea=theirs, to=Status.EXPLORING, actor=manager).status == (
        Status.EXPLORING
    )


def test_promotion_needs_tasks_and_opens_the_implementation_gate(manager, member):
    idea = IdeaFactory(status=Status.SHORTLISTED)
    project = idea.board.project
    assert NO_PROMOTED_IDEA in gate_problems(project, Phase.IMPLEMENTATION)
    with pytest.raises(ValidationError) as error:
        services.idea_transition(idea=idea, to=Status.PROMOTED, actor=manager)
    assert "tasks" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.idea_transition(
            idea=idea, to=Status.PROMOTED, actor=manager, tasks=[{"title": " "}]
        )
    assert not Task.objects.exists()
    services.idea_transition(
        idea=idea,
        to=Status.PROMOTED,
        actor=manager,
        tasks=[{"title": "Feature store job", "owner": member}, {"title": "Serve model"}],
    )
    assert list(idea.tasks.values_list("title", flat=True)) == ["Feature store job", "Serve model"]
    assert NO_PROMOTED_IDEA not in gate_problems(project, Phase.IMPLEMENTATION)
    # the gate only looks at this project's boards
    assert NO_PROMOTED_IDEA in gate_problems(ProjectFactory(), Phase.IMPLEMENTATION)
    # and only when entering implementation
    assert NO_PROMOTED_IDEA not in gate_problems(ProjectFactory(), Phase.PROTOTYPE)


def test_task_update_by_task_owner(member, viewer):
    task = Task.objects.create(idea=IdeaFactory(), title="Build it", owner=member)
    services.task_update(task=task, actor=member, done=True)
    task.refresh_from_db()
    assert task.done
    with pytest.raises(PermissionDenied):
        services.task_update(task=task, actor=viewer, done=False)


def test_viewer_owning_a_task_may_not_change_it(viewer):
    task = Task.objects.create(idea=IdeaFactory(), title="Build it", owner=viewer)
    with pytest.raises(PermissionDenied):
        services.task_update(task=task, actor=viewer, done=True)
    with pytest.raises(PermissionDenied):
        services.task_update(task=task, actor=viewer, toggle=True)
    task.refresh_from_db()
    assert not task.done


def test_task_owner_may_only_mark_done_not_rename_or_reassign(member, manager):
    task = Task.objects.create(idea=IdeaFactory(), title="Build it", owner=member)
    with pytest.raises(PermissionDenied):
        services.task_update(task=task, actor=member, title="Mine now")
    with pytest.raises(PermissionDenied):
        services.task_update(task=task, actor=member, owner=manager)
    with pytest.raises(PermissionDenied):
        services.task_update(task=task, actor=member, done=True, owner=manager)
    task.refresh_from_db()
    assert (task.title, task.owner, task.done) == ("Build it", member, False)


def test_idea_owner_and_manager_may_rename_and_reassign_tasks(member, manager):
    idea = IdeaFactory(owner=member)
    task = Task.objects.create(idea=idea, title="Build it")
    services.task_update(task=task, actor=member, title="Build it well", owner=member)
    services.task_update(task=task, actor=manager, owner=manager)
    task.refresh_from_db()
    assert (task.title, task.owner) == ("Build it well", manager)


def test_task_toggle_flips_the_locked_state_not_a_stale_read(member):
    task = Task.objects.create(idea=IdeaFactory(owner=member), title="Build it")
    stale = Task.objects.get(pk=task.pk)
    services.task_update(task=task, actor=member, toggle=True)
    # a second click rendered from the same (now stale) page undoes it rather than repeating
    services.task_update(task=stale, actor=member, toggle=True)
    task.refresh_from_db()
    assert not task.done


# --- readings ---------------------------------------------------------------------------


@pytest.fixture
def setup(member):
    board = BoardFactory()
    metric = MetricFactory(board=board)
    idea = IdeaFactory(board=board, owner=member)
    return board, metric, idea


def test_reading_create_defaults_to_now_and_manual(setup, member):
    _, metric, idea = setup
    reading = services.reading_create(idea=idea, metric=metric, value=0.83, actor=member)
    assert reading.source == "manual"
    assert abs((timezone.now() - reading.recorded_at).total_seconds()) < 5


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"value": math.nan}, "value"),
        ({"value": math.inf}, "value"),
        ({"value": 1.7e308}, "value"),
        ({"value": -1.7e308}, "value"),
        ({"value": 10**16}, "value"),
        ({"value": "abc"}, "value"),
        ({"value": 1.0, "recorded_at": "2999-01-01T00:00:00Z"}, "recorded_at"),
        ({"value": 1.0, "recorded_at": "yesterday"}, "recorded_at"),
    ],
)
def test_reading_create_refuses_bad_input(setup, member, kwargs, field):
    _, metric, idea = setup
    with pytest.raises(ValidationError) as error:
        services.reading_create(idea=idea, metric=metric, actor=member, **kwargs)
    assert field in error.value.message_dict
    assert not Reading.objects.exists()


def test_reading_for_a_metric_of_another_board_is_refused(setup, member):
    _, _, idea = setup
    with pytest.raises(ValidationError) as error:
        services.reading_create(idea=idea, metric=MetricFactory(), value=1.0, actor=member)
    assert "metric" in error.value.message_dict


def test_members_record_readings_only_on_their_own_ideas(setup, member, viewer, manager):
    board, metric, _ = setup
    other = IdeaFactory(board=board)
    with pytest.raises(PermissionDenied):
        services.reading_create(idea=other, metric=metric, value=1.0, actor=member)
    with pytest.raises(PermissionDenied):
        services.readings_ingest(items=[{"idea": other.pk, "metric": metric.pk, "value": 1}],
                                 actor=viewer)  # fmt: skip
    services.reading_create(idea=other, metric=metric, value=1.0, actor=manager)


def test_bulk_ingestion_stores_everything(setup, member):
    _, metric, idea = setup
    start = timezone.now() - timedelta(days=3)
    items = [
        {
            "idea": idea.pk,
            "metric": metric.pk,
            "value": 0.8 + i / 10000,
            "recorded_at": (start + timedelta(minutes=i)).isoformat(),
            "source": "run-42",
        }
        for i in range(500)
    ]
    assert services.readings_ingest(items=items, actor=member) == 500
    assert Reading.objects.filter(idea=idea, source="run-42").count() == 500
    activity = Activity.objects.get(event=EventType.READINGS_RECORDED)
    assert activity.data["count"] == 500


def test_bulk_ingestion_is_all_or_nothing_with_per_item_errors(setup, member):
    _, metric, idea = setup
    good = {"idea": idea.pk, "metric": metric.pk, "value": 1.0}
    items = [
        good,
        {**good, "value": math.nan},
        good,
        {**good, "metric": MetricFactory().pk},
        {**good, "idea": 999999},
        {**good, "recorded_at": (timezone.now() + timedelta(days=30)).isoformat()},
        {**good, "value": True},
        "not an object",
    ]
    with pytest.raises(services.ReadingsInvalid) as error:
        services.readings_ingest(items=items, actor=member)
    errors = error.value.errors
    assert set(errors) == {"1", "3", "4", "5", "6", "7"}
    assert "value" in errors["1"] and "metric" in errors["3"] and "idea" in errors["4"]
    assert "recorded_at" in errors["5"]
    assert not Reading.objects.exists()


def test_bulk_ingestion_over_the_cap_or_empty_is_refused(setup, member):
    _, metric, idea = setup
    item = {"idea": idea.pk, "metric": metric.pk, "value": 1.0}
    with pytest.raises(ValidationError):
        services.readings_ingest(items=[item] * (services.MAX_BULK_READINGS + 1), actor=member)
    with pytest.raises(ValidationError):
        services.readings_ingest(items=[], actor=member)
    assert not Reading.objects.exists()


def test_idea_update_owner_change_is_for_managers(member, manager):
    idea = IdeaFactory(owner=member)
    services.idea_update(idea=idea, actor=member, title="Sharper", maturity="notebook")
    idea.refresh_from_db()
    assert idea.title == "Sharper" and idea.maturity == "notebook"
    with pytest.raises(PermissionDenied):
        services.idea_update(idea=idea, actor=member, owner=manager)
    services.idea_update(idea=idea, actor=manager, owner=manager)
    assert Idea.objects.get(pk=idea.pk).owner == manager


def test_idea_reorder_renumbers_the_column(member, manager):
    board = BoardFactory()
    a, b, c = (IdeaFactory(board=board, owner=member, position=i) for i in (1, 2, 3))
    other_column = IdeaFactory(board=board, status=Status.EXPLORING, position=1)
    services.idea_reorder(idea=c, index=0, actor=member)
    order = list(
        Idea.objects.filter(board=board, status=Status.PROPOSED)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    assert order == [c.pk, a.pk, b.pk]
    services.idea_reorder(idea=c, index=99, actor=manager)
    assert Idea.objects.get(pk=c.pk).position == 3
    assert Idea.objects.get(pk=other_column.pk).position == 1
    with pytest.raises(PermissionDenied):
        services.idea_reorder(idea=other_column, index=0, actor=member)
    with pytest.raises(ValidationError):
        services.idea_reorder(idea=a, index=None, actor=member)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"value": 10**400}, "value", "Enter a finite number (not NaN or infinity)."),
        ({"value": -(10**400)}, "value", "Enter a finite number (not NaN or infinity)."),
        ({"idea": 10**30}, "idea", "Enter a valid id."),
        ({"metric": 2**63}, "metric", "Enter a valid id."),
        ({"idea": 0}, "idea", "Enter a valid id."),
        ({"metric": -1}, "metric", "Enter a valid id."),
    ],
)
def test_bulk_ingestion_refuses_huge_numbers_and_ids(setup, member, change, field, message):
    _, metric, idea = setup
    good = {"idea": idea.pk, "metric": metric.pk, "value": 1.0}
    with pytest.raises(services.ReadingsInvalid) as invalid:
        services.readings_ingest(items=[good, {**good, **change}], actor=member)
    assert invalid.value.errors == {"1": {field: [message]}}
    assert not Reading.objects.exists()


def test_services_refuse_inactive_owners(manager, member):
    gone = UserFactory(is_active=False)
    idea = IdeaFactory(owner=member, status=Status.SHORTLISTED)
    task = Task.objects.create(idea=idea, title="Build it")
    with pytest.raises(ValidationError):
        services.idea_create(board=idea.board, title="T", owner=gone, actor=manager)
    with pytest.raises(ValidationError):
        services.idea_update(idea=idea, owner=gone, actor=manager)
    with pytest.raises(ValidationError):
        services.task_create(idea=idea, title="T", owner=gone, actor=manager)
    with pytest.raises(ValidationError):
        services.task_update(task=task, owner=gone, actor=manager)
    with pytest.raises(ValidationError):
        services.idea_transition(
            idea=idea, to=Status.PROMOTED, actor=manager, tasks=[{"title": "T", "owner": gone}]
        )
    # an idea still owned by someone who left can be edited without handing it over
    idea.owner = gone
    idea.save(update_fields=["owner"])
    services.idea_update(idea=idea, title="Renamed", owner=gone, actor=manager)
