"""The one update shape of research's services: only what changed is saved, and an
activity event is recorded only when something changed."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activity.models import Activity, EventType
from research import services
from research.models import Board, Idea, Metric, Task
from tests.factories import BoardFactory, IdeaFactory, MetricFactory

pytestmark = pytest.mark.django_db


def _events(event) -> int:
    return Activity.objects.filter(event=event).count()


def _update_statements(context, table: str) -> list[str]:
    return [q["sql"] for q in context.captured_queries if q["sql"].startswith(f'UPDATE "{table}"')]


def test_board_update_with_identical_values_writes_nothing(manager):
    board = BoardFactory(title="Churn", question="Why?", gain_bar=2.0)
    metric = MetricFactory(board=board)
    Board.objects.filter(pk=board.pk).update(primary_metric=metric)
    with CaptureQueriesContext(connection) as queries:
        services.board_update(
            board=board, actor=manager, title=" Churn ", question="Why?", gain_bar=2.0,
            primary_metric=metric,
        )  # fmt: skip
    assert _update_statements(queries, Board._meta.db_table) == []
    assert _events(EventType.BOARD_UPDATED) == 0


def test_board_update_saves_only_the_changed_field_and_records_old_and_new(manager):
    board = BoardFactory(title="Churn", gain_bar=2.0)
    with CaptureQueriesContext(connection) as queries:
        services.board_update(board=board, actor=manager, title="Churn", gain_bar=3.0)
    (statement,) = _update_statements(queries, Board._meta.db_table)
    assert '"gain_bar"' in statement and '"updated_at"' in statement
    assert '"title"' not in statement and '"question"' not in statement
    event = Activity.objects.get(event=EventType.BOARD_UPDATED)
    assert event.data == {"board": board.pk, "gain_bar": [2.0, 3.0]}


def test_metric_update_with_identical_values_writes_no_event_and_none_clears_target(manager):
    metric = MetricFactory(name="AUC", baseline=0.8, target=0.9)
    services.metric_update(metric=metric, actor=manager, name="AUC", baseline=0.8, target=0.9)
    assert _events(EventType.METRIC_UPDATED) == 0
    services.metric_update(metric=metric, actor=manager, target=None)
    assert Metric.objects.get(pk=metric.pk).target is None
    assert Activity.objects.get(event=EventType.METRIC_UPDATED).data["target"] == [0.9, None]


def test_idea_update_with_identical_values_writes_no_event(member):
    idea = IdeaFactory(owner=member, title="Boosting", hypothesis="Helps", maturity="idea")
    with CaptureQueriesContext(connection) as queries:
        services.idea_update(
            idea=idea, actor=member, title="Boosting", hypothesis="Helps", maturity="idea",
            owner=member,
        )  # fmt: skip
    assert _update_statements(queries, Idea._meta.db_table) == []
    assert _events(EventType.IDEA_UPDATED) == 0
    services.idea_update(idea=idea, actor=member, title="Sharper")
    assert Activity.objects.get(event=EventType.IDEA_UPDATED).data == {
        "idea": idea.pk,
        "title": ["Boosting", "Sharper"],
    }


def test_task_update_with_identical_values_writes_no_event(member):
    task = Task.objects.create(idea=IdeaFactory(owner=member), title="Build it", done=False)
    services.task_update(task=task, actor=member, title="Build it", done=False)
    assert Activity.objects.filter(event__startswith="task.").count() == 0
    services.task_update(task=task, actor=member, done=True)
    assert _events(EventType.TASK_COMPLETED) == 1
    services.task_update(task=task, actor=member, done=False)
    assert _events(EventType.TASK_UPDATED) == 1


@pytest.mark.parametrize(
    ("service", "make", "key"),
    [
        (services.board_update, BoardFactory, "board"),
        (services.metric_update, MetricFactory, "metric"),
        (services.idea_update, IdeaFactory, "idea"),
        (services.task_update, lambda: Task.objects.create(idea=IdeaFactory(), title="T"), "task"),
    ],
)
def test_update_services_refuse_fields_they_do_not_edit(manager, service, make, key):
    with pytest.raises(ValidationError) as error:
        service(**{key: make()}, actor=manager, created_at=None)
    assert error.value.message_dict == {"created_at": ["This field cannot be changed here."]}
