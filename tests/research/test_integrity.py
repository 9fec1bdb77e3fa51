"""Input PostgreSQL cannot store, and positions under concurrency (issue 12).

- A NUL character (``\\x00``) in any text the research services write was a 500 on
  PostgreSQL (text and jsonb cannot hold it) on every path but the single-reading API:
  every path now refuses it with the one message Django and DRF give for it.
- Ideas created (or moved into a column) at the same moment used to share positions: the
  services lock the board while they number, and a constraint backs it.
"""

import importlib
import threading
from collections import Counter

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from activity.models import Activity
from research import services
from research.models import Board, Idea, IdeaStatusChange, Metric, Reading, Status, Task
from tests.factories import BoardFactory, IdeaFactory, MetricFactory, ProjectFactory, UserFactory

# Django's ProhibitNullCharactersValidator, which every form and DRF field applies.
NUL_MESSAGE = "Null characters are not allowed."
NUL = "run\x00 7"


def test_the_suite_runs_on_postgresql():
    """NUL in text is an error only PostgreSQL raises; these tests mean it there."""
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture
def setup(db, member):
    idea = IdeaFactory(owner=member, title="Gradient boosting", position=1)
    metric = MetricFactory(board=idea.board, name="AUC")
    return idea, metric


# --- NUL in readings: the API (single and bulk), the service, the CSV import ---------------


@pytest.mark.parametrize("field", ["note", "source"])
def test_single_reading_with_nul_is_refused_on_the_field(api_as, member, setup, field):
    idea, metric = setup
    item = {"idea": idea.pk, "metric": metric.pk, "value": 0.8, field: NUL}
    response = api_as(member).post("/api/v1/readings/", item, format="json")
    assert response.status_code == 400, response.content
    assert response.json() == {"errors": [{"index": None, field: [NUL_MESSAGE]}]}
    assert not Reading.objects.exists()


def test_bulk_readings_with_nul_are_refused_per_item_with_the_same_message(api_as, member, setup):
    idea, metric = setup
    good = {"idea": idea.pk, "metric": metric.pk, "value": 0.8, "note": "fine", "source": "r1"}
    items = [good, {**good, "note": NUL}, {**good, "source": NUL}, {**good, "note": "x\x00"}]
    response = api_as(member).post("/api/v1/readings/", items, format="json")
    assert response.status_code == 400, response.content
    assert response.json() == {
        "errors": [
            {"index": 1, "note": [NUL_MESSAGE]},
            {"index": 2, "source": [NUL_MESSAGE]},
            {"index": 3, "note": [NUL_MESSAGE]},
        ]
    }
    assert not Reading.objects.exists()
    # The same list without the NUL characters is stored: the refusal was about them only.
    clean = [good, {**good, "note": "run 7"}, {**good, "source": "run 7"}, {**good, "note": "x"}]
    assert api_as(member).post("/api/v1/readings/", clean, format="json").status_code == 201
    assert Reading.objects.count() == 4


@pytest.mark.parametrize("field", ["note", "source"])
def test_reading_create_service_refuses_nul(member, setup, field):
    idea, metric = setup
    with pytest.raises(ValidationError) as refused:
        services.reading_create(idea=idea, metric=metric, value=0.8, actor=member, **{field: NUL})
    assert refused.value.message_dict == {field: [NUL_MESSAGE]}
    assert not Reading.objects.exists()


@pytest.mark.parametrize("field", ["note", "source"])
def test_csv_import_with_nul_is_refused_with_its_line_and_the_same_message(
    client, member, setup, field
):
    idea, _ = setup
    client.force_login(member)
    text = (
        f"idea,metric,value,{field}\n"
        "Gradient boosting,AUC,0.8,ok\n"
        f"Gradient boosting,AUC,0.9,{NUL}\n"
    )
    upload = SimpleUploadedFile("readings.csv", text.encode(), content_type="text/csv")
    url = reverse("research:board-readings-import", args=[idea.board_id])
    response = client.post(url, {"file": upload})
    assert response.status_code == 400, response.content.decode()[:2000]
    assert response.context["form"].errors["file"] == [
        "1 line of the file has a problem; nothing was imported.",
        f"Line 3: {field}: {NUL_MESSAGE}",
    ]
    assert not Reading.objects.exists()


# --- NUL in every other text the research services write ------------------------------------


def _board(manager):
    return services.board_create(project=ProjectFactory(), title="Churn", actor=manager)


def _metric(manager):
    return services.metric_create(board=_board(manager), name="AUC", baseline=0.8, actor=manager)


def _idea(manager):
    return services.idea_create(board=_board(manager), title="Boosting", actor=manager)


def _task(manager):
    return services.task_create(idea=_idea(manager), title="Build it", actor=manager)


# (what is written, its field, the call that writes it given a manager)
WRITES = [
    (
        "board title",
        "title",
        lambda m: services.board_create(project=ProjectFactory(), title=NUL, actor=m),
    ),
    (
        "board question",
        "question",
        lambda m: services.board_create(project=ProjectFactory(), title="T", question=NUL, actor=m),
    ),
    (
        "board title change",
        "title",
        lambda m: services.board_update(board=_board(m), actor=m, title=NUL),
    ),
    (
        "board question change",
        "question",
        lambda m: services.board_update(board=_board(m), actor=m, question=NUL),
    ),
    (
        "metric name",
        "name",
        lambda m: services.metric_create(board=_board(m), name=NUL, baseline=0.8, actor=m),
    ),
    (
        "metric unit",
        "unit",
        lambda m: services.metric_create(
            board=_board(m), name="AUC", unit=NUL, baseline=0.8, actor=m
        ),
    ),
    (
        "metric name change",
        "name",
        lambda m: services.metric_update(metric=_metric(m), actor=m, name=NUL),
    ),
    (
        "metric unit change",
        "unit",
        lambda m: services.metric_update(metric=_metric(m), actor=m, unit=NUL),
    ),
    ("idea title", "title", lambda m: services.idea_create(board=_board(m), title=NUL, actor=m)),
    (
        "idea hypothesis",
        "hypothesis",
        lambda m: services.idea_create(board=_board(m), title="I", hypothesis=NUL, actor=m),
    ),
    (
        "idea title change",
        "title",
        lambda m: services.idea_update(idea=_idea(m), actor=m, title=NUL),
    ),
    (
        "idea hypothesis change",
        "hypothesis",
        lambda m: services.idea_update(idea=_idea(m), actor=m, hypothesis=NUL),
    ),
    (
        "reason for dropping",
        "reason",
        lambda m: services.idea_transition(idea=_idea(m), to=Status.DROPPED, reason=NUL, actor=m),
    ),
    ("task title", "title", lambda m: services.task_create(idea=_idea(m), title=NUL, actor=m)),
    (
        "task title change",
        "title",
        lambda m: services.task_update(task=_task(m), actor=m, title=NUL),
    ),
]


@pytest.mark.parametrize(("written", "field", "write"), WRITES, ids=[w[0] for w in WRITES])
def test_every_research_text_refuses_nul_on_its_field(manager, written, field, write):
    with pytest.raises(ValidationError) as refused:
        write(manager)
    assert refused.value.message_dict == {field: [NUL_MESSAGE]}
    stored = [
        *Board.objects.values_list("title", "question"),
        *Metric.objects.values_list("name", "unit"),
        *Idea.objects.values_list("title", "hypothesis", "dropped_reason"),
        *IdeaStatusChange.objects.values_list("reason", flat=True),
        *Task.objects.values_list("title", flat=True),
    ]
    assert "\x00" not in repr(stored)


def test_promotion_with_a_nul_task_title_is_refused_on_that_task(manager):
    idea = _idea(manager)
    for status in (Status.EXPLORING, Status.PROTOTYPING, Status.SHORTLISTED):
        services.idea_transition(idea=idea, to=status, actor=manager)
    tasks = [{"title": "Build it"}, {"title": NUL}]
    with pytest.raises(ValidationError) as refused:
        services.idea_transition(idea=idea, to=Status.PROMOTED, tasks=tasks, actor=manager)
    assert refused.value.message_dict == {"tasks": [NUL_MESSAGE]}
    assert not Task.objects.exists()
    assert Idea.objects.get(pk=idea.pk).status == Status.SHORTLISTED


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/api/v1/ideas/", {"title": NUL}),
        ("/api/v1/boards/", {"title": NUL}),
    ],
)
def test_api_writes_with_nul_answer_400_on_the_field(api_as, manager, path, payload):
    board = _board(manager)
    body = {"board": board.pk, "project": board.project.slug, **payload}
    response = api_as(manager).post(path, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["title"] == [NUL_MESSAGE]


# --- Positions -------------------------------------------------------------------------------


def _run_at_once(calls: list) -> list[BaseException]:
    """Run each call in its own thread (and database connection), all released together."""
    barrier = threading.Barrier(len(calls))
    failures: list[BaseException] = []

    def run(call):
        try:
            barrier.wait(timeout=30)
            call()
        except BaseException as error:  # reported by the test
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    return failures


def _positions(board, status) -> list[int]:
    return list(
        Idea.objects.filter(board=board, status=status)
        .order_by("position")
        .values_list("position", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_ten_ideas_created_at_once_get_ten_distinct_positions():
    manager = UserFactory(role="manager")
    board = BoardFactory()
    creates = [
        lambda n=n: services.idea_create(board=board, title=f"Idea {n}", actor=manager)
        for n in range(10)
    ]
    failures = _run_at_once(creates)
    assert failures == []
    assert _positions(board, Status.PROPOSED) == list(range(1, 11))


@pytest.mark.django_db(transaction=True)
def test_ideas_moved_creates_and_reorders_at_once_keep_positions_unique():
    """Moves into a column, creates into it and reorders of it, all at the same moment."""
    manager = UserFactory(role="manager")
    board = BoardFactory()
    ideas = [services.idea_create(board=board, title=f"Idea {n}", actor=manager) for n in range(8)]
    moved = [
        services.idea_transition(idea=idea, to=Status.EXPLORING, actor=manager)
        for idea in ideas[:2]
    ]
    calls = [
        *(
            lambda idea=idea: services.idea_transition(
                idea=idea, to=Status.EXPLORING, actor=manager
            )
            for idea in ideas[2:]
        ),
        *(
            lambda n=n: services.idea_create(board=board, title=f"New {n}", actor=manager)
            for n in range(3)
        ),
        lambda: services.idea_reorder(idea=moved[1], index=0, actor=manager),
        lambda: services.idea_reorder(idea=moved[0], index=0, actor=manager),
    ]
    failures = _run_at_once(calls)
    assert failures == []
    exploring, proposed = _positions(board, Status.EXPLORING), _positions(board, Status.PROPOSED)
    assert len(exploring) == 8 and len(set(exploring)) == 8
    assert len(proposed) == 3 and len(set(proposed)) == 3
    # Reordering still works afterwards, through swaps the constraint checks at commit.
    last = Idea.objects.filter(board=board, status=Status.EXPLORING).order_by("-position")[0]
    services.idea_reorder(idea=last, index=0, actor=manager)
    column = list(
        Idea.objects.filter(board=board, status=Status.EXPLORING)
        .order_by("position")
        .values_list("pk", "position")
    )
    assert column[0][0] == last.pk
    assert [position for _, position in column] == list(range(1, 9))


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_duplicate_position_in_a_column():
    from django.db import IntegrityError, transaction

    board = BoardFactory()
    IdeaFactory(board=board, position=1)
    IdeaFactory(board=board, position=1, status=Status.EXPLORING)  # another column: fine
    with pytest.raises(IntegrityError, match="idea_position_unique"), transaction.atomic():
        IdeaFactory(board=board, position=1)


def test_the_migration_renumbers_columns_holding_duplicates(db):
    """Rows from before the constraint: crowded columns renumbered in order, others kept."""
    migration = importlib.import_module("research.migrations.0002_idea_position_unique")
    board, other = BoardFactory(), BoardFactory()
    a, b, c, d = (
        IdeaFactory(board=board, position=position) for position in (3, 1, 1, 7)
    )  # ordered b, c (same place: by id), a, d
    kept = [IdeaFactory(board=other, position=position) for position in (2, 5)]
    exploring = IdeaFactory(board=board, status=Status.EXPLORING, position=4)
    migration.renumber_crowded_columns(apps, None)
    positions = dict(Idea.objects.values_list("pk", "position"))
    assert [positions[i.pk] for i in (b, c, a, d)] == [1, 2, 3, 4]
    assert [positions[i.pk] for i in kept] == [2, 5]
    assert positions[exploring.pk] == 4
    assert (
        Counter((i.board_id, i.status, i.position) for i in Idea.objects.all()).most_common(1)[0][1]
        == 1
    )
    assert not Activity.objects.exists()  # a repair, not an event
