"""Each section's selection on a hand-built week with known answers, muted projects, and an
empty week that sends nothing."""

import datetime

import pytest

from digests import selectors, services
from digests.models import DigestDelivery, DigestPreference, Result
from flags.models import Flag, FlagEscalation
from projects.models import PhaseChange, Takeaway
from research.models import IdeaStatusChange, Reading
from tests.factories import (
    BoardFactory,
    FlagFactory,
    IdeaFactory,
    MetricFactory,
    ProjectFactory,
    RotationFactory,
    TakeawayFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
END = datetime.datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
START = END - datetime.timedelta(days=7)
D = datetime.timedelta(days=1)


def _dated(model, obj, field, moment):
    model.objects.filter(pk=obj.pk).update(**{field: moment})


@pytest.fixture
def week():
    """Ann is product manager of Churn; Bob's project Basket is someone else's business."""
    ann = UserFactory(username="ann", first_name="Ann", last_name="Lee")
    churn = ProjectFactory(name="Churn", slug="churn", product_manager=ann)
    basket = ProjectFactory(name="Basket", slug="basket")
    return {"ann": ann, "churn": churn, "basket": basket}


def _build(person):
    return selectors.digest_build(person, start=START, end=END)


def _section(digest, key):
    return next((s for s in digest.sections if s["key"] == key), None)


def _texts(section):
    items = section["items"] + [i for g in section.get("groups", []) for i in g["items"]]
    return [item["text"] for item in items]


def test_an_empty_week_has_no_sections_and_is_skipped_without_email(week, mailoutbox):
    assert _build(week["ann"]).empty
    delivery = DigestDelivery.objects.create(
        user=week["ann"], week=END.date(), period_start=START, period_end=END
    )
    services.digest_send(delivery)
    delivery.refresh_from_db()
    assert delivery.result == Result.SKIPPED
    assert mailoutbox == []


def test_everyones_takeaways_of_the_week_and_only_those(week):
    inside = TakeawayFactory(title="Inside", project=week["basket"])
    before = TakeawayFactory(title="Before")
    at_end = TakeawayFactory(title="At the end")
    _dated(Takeaway, inside, "created_at", START)
    _dated(Takeaway, before, "created_at", START - datetime.timedelta(seconds=1))
    _dated(Takeaway, at_end, "created_at", END)
    assert _texts(_section(_build(week["ann"]), "takeaways")) == ["Inside"]


def test_phase_changes_of_my_projects_with_overrides(week):
    mine = PhaseChange.objects.create(
        project=week["churn"],
        from_phase="prototype",
        to_phase="implementation",
        override_reason="Legal agreed",
    )
    other = PhaseChange.objects.create(
        project=week["basket"], from_phase="research", to_phase="prototype"
    )
    for change in (mine, other):
        _dated(PhaseChange, change, "created_at", START + D)
    section = _section(_build(week["ann"]), "phases")
    assert _texts(section) == ["Churn: Prototype → Implementation"]
    assert "gate overridden: Legal agreed" in section["items"][0]["detail"]


def test_metric_movers_are_direction_aware_and_largest_first(week):
    board = BoardFactory(project=week["churn"])
    auc = MetricFactory(board=board, name="AUC", direction="higher")
    rmse = MetricFactory(board=board, name="RMSE", direction="lower")
    idea = IdeaFactory(board=board, title="GBM")
    for metric, before, after in ((auc, 0.80, 0.84), (rmse, 100.0, 90.0)):
        old = Reading.objects.create(idea=idea, metric=metric, value=before)
        new = Reading.objects.create(idea=idea, metric=metric, value=after)
        _dated(Reading, old, "recorded_at", START - D)
        _dated(Reading, new, "recorded_at", START + D)
    late = Reading.objects.create(idea=idea, metric=auc, value=0.10)
    _dated(Reading, late, "recorded_at", END)  # after the week: not counted
    assert _texts(_section(_build(week["ann"]), "movers")) == [
        "GBM: RMSE improved 10.0 %",  # lower is better: 100 → 90 is +10 %
        "GBM: AUC improved 5.0 %",
    ]


def test_board_narrowing_counts_active_ideas_at_start_and_end(week):
    board = BoardFactory(project=week["churn"], title="Which model?")
    ideas = [IdeaFactory(board=board) for _ in range(3)]
    for idea in ideas:
        change = IdeaStatusChange.objects.create(idea=idea, board=board, to_status="proposed")
        _dated(IdeaStatusChange, change, "created_at", START - D)
    dropped = IdeaStatusChange.objects.create(
        idea=ideas[0], board=board, from_status="proposed", to_status="dropped"
    )
    _dated(IdeaStatusChange, dropped, "created_at", START + D)
    assert _texts(_section(_build(week["ann"]), "boards")) == [
        "Which model? (Churn): 3 → 2 active ideas"
    ]


def test_flags_new_overdue_and_escalated_on_my_projects(week):
    new = FlagFactory(project=week["churn"], title="New one", severity="critical")
    _dated(Flag, new, "created_at", START + D)
    Flag.objects.filter(pk=new.pk).update(opened_at=START + D)
    stale = FlagFactory(project=week["churn"], title="Stale")
    Flag.objects.filter(pk=stale.pk).update(created_at=START - 10 * D, opened_at=START - 10 * D)
    escalation = FlagEscalation.objects.create(flag=stale, opened_at=START - 10 * D, step_days=7)
    _dated(FlagEscalation, escalation, "created_at", START + 2 * D)
    FlagFactory(project=week["basket"], title="Not mine")
    section = _section(_build(week["ann"]), "flags")
    groups = {g["title"]: [i["text"] for i in g["items"]] for g in section["groups"]}
    assert groups == {
        "New this week": ["[Critical] New one"],
        "Overdue: not yet acknowledged": ["[Critical] New one", "[Medium] Stale"],
        "Escalated this week": ["[Medium] Stale"],
    }
    assert section["count"] == 1  # "1 new flag" in the subject


def test_rotations_in_the_next_14_days_own_first(week):
    ann = week["ann"]
    today = END.date()
    RotationFactory(
        project=week["churn"],
        person=UserFactory(first_name="Zed", last_name="Z"),
        role="DS",
        start=today + datetime.timedelta(days=2),
    )
    RotationFactory(
        project=week["basket"],
        person=ann,
        role="PM",
        start=today - 30 * D,
        planned_end=today + 14 * D,
    )
    RotationFactory(
        project=week["churn"],
        person=UserFactory(),
        role="Too late",
        start=today + datetime.timedelta(days=15),
    )
    texts = _texts(_section(_build(ann), "rotations"))
    assert texts == ["You end as PM on Basket", "Zed Z starts as DS on Churn"]


def test_muted_projects_are_left_out(week):
    PhaseChange.objects.create(project=week["churn"], from_phase="research", to_phase="prototype")
    PhaseChange.objects.filter(project=week["churn"]).update(created_at=START + D)
    assert _section(_build(week["ann"]), "phases")
    preference = DigestPreference.objects.create(user=week["ann"])
    preference.muted_projects.add(week["churn"])
    assert _section(_build(week["ann"]), "phases") is None


def test_the_subject_says_what_is_inside(week):
    for n in range(3):
        takeaway = TakeawayFactory(title=f"T{n}")
        _dated(Takeaway, takeaway, "created_at", START + D)
    new = FlagFactory(project=week["churn"], title="New")
    Flag.objects.filter(pk=new.pk).update(created_at=START + D, opened_at=START + D)
    digest = _build(week["ann"])
    from digests import emails

    assert emails.render(digest, week_label="week 50")["subject"] == (
        "Tandem week 50: 3 takeaways, 1 new flag"
    )


@pytest.mark.parametrize("size", [3, 30])
def test_building_a_digest_takes_a_fixed_number_of_queries(week, size, django_assert_num_queries):
    board = BoardFactory(project=week["churn"])
    metric = MetricFactory(board=board)
    for n in range(size):
        TakeawayFactory(title=f"T{n}")
        idea = IdeaFactory(board=board)
        Reading.objects.create(idea=idea, metric=metric, value=1.0)
        FlagFactory(project=week["churn"])
        RotationFactory(project=week["churn"], start=END.date() + D)
    Takeaway.objects.update(created_at=START + D)
    Flag.objects.update(created_at=START + D)
    # preference, muted (none: no row), projects (projects, research), then one query per
    # section: takeaways, phases, movers, boards, data gaps, flags, rotations, takeaways
    # asked (the data-engineer queue costs nothing for a scientist)
    with django_assert_num_queries(11):
        digest = selectors.digest_build(week["ann"], start=START, end=END)
    assert len(_section(digest, "takeaways")["items"]) == size


def test_data_gaps_opened_delivered_and_stale_on_my_projects(week):
    from datagaps.models import DataGap
    from tests.factories import DataGapFactory

    opened = DataGapFactory(project=week["churn"], title="Clickstream")
    delivered = DataGapFactory(
        project=week["churn"],
        title="Tickets",
        status="delivered",
        delivered_dataset="support.tickets",
        delivered_at=START + D,
    )
    stale = DataGapFactory(project=week["churn"], title="Old ask", urgency="blocking")
    DataGapFactory(project=week["basket"], title="Not mine")
    DataGap.objects.filter(pk=opened.pk).update(created_at=START + D)
    DataGap.objects.filter(pk=delivered.pk).update(
        created_at=START - 20 * D, delivered_at=START + D
    )
    DataGap.objects.filter(pk=stale.pk).update(created_at=START - 20 * D)
    section = _section(_build(week["ann"]), "datagaps")
    groups = {g["title"]: [i["text"] for i in g["items"]] for g in section["groups"]}
    assert groups == {
        "Opened this week": ["Clickstream"],
        "Delivered this week": ["Tickets"],
        "Stale: overdue": ["Old ask"],
    }
    assert section["count"] == 1  # "1 data gap delivered"


def test_a_data_engineer_gets_their_queue_and_a_scientist_does_not(week):
    from accounts.models import Discipline
    from tests.factories import DataGapFactory

    engineer = UserFactory(username="kofi", discipline=Discipline.DATA_ENGINEER)
    DataGapFactory(project=week["basket"], title="Untriaged ask")
    DataGapFactory(project=week["basket"], title="Mine", status="triaged", assignee=engineer)
    section = _section(_build(engineer), "datagaps-queue")
    groups = {g["title"]: [i["text"] for i in g["items"]] for g in section["groups"]}
    assert groups == {"Assigned to you": ["Mine"], "Untriaged": ["Untriaged ask"]}
    assert _section(_build(week["ann"]), "datagaps-queue") is None


def test_a_move_too_small_to_read_is_not_news(week):
    board = BoardFactory(project=week["churn"])
    auc = MetricFactory(board=board, name="AUC", direction="higher")
    idea = IdeaFactory(board=board, title="GBM")
    for value, moment in ((0.80000, START - D), (0.80039, START + D)):  # +0.049 %
        reading = Reading.objects.create(idea=idea, metric=auc, value=value)
        _dated(Reading, reading, "recorded_at", moment)
    assert _section(_build(week["ann"]), "movers") is None
    reading = Reading.objects.create(idea=idea, metric=auc, value=0.80041)  # +0.051 %
    _dated(Reading, reading, "recorded_at", START + 2 * D)
    assert _texts(_section(_build(week["ann"]), "movers")) == ["GBM: AUC improved 0.05 %"]


def test_the_week_includes_its_start_and_excludes_its_end_in_every_dated_section(week):
    """A change at the very moment the week starts is in it; one at the moment it ends
    belongs to the next digest (phase changes, new and escalated flags, data gaps opened and
    delivered)."""
    from datagaps.models import DataGap
    from tests.factories import DataGapFactory

    churn = week["churn"]
    at_start = PhaseChange.objects.create(
        project=churn, from_phase="research", to_phase="prototype"
    )
    at_end = PhaseChange.objects.create(project=churn, from_phase="prototype", to_phase="research")
    _dated(PhaseChange, at_start, "created_at", START)
    _dated(PhaseChange, at_end, "created_at", END)
    first = FlagFactory(project=churn, title="Raised at the start", severity="low")
    late = FlagFactory(project=churn, title="Raised at the end", severity="low")
    Flag.objects.filter(pk=first.pk).update(created_at=START, opened_at=START)
    Flag.objects.filter(pk=late.pk).update(created_at=END, opened_at=END)
    escalated = FlagFactory(project=churn, title="Escalated at the end", severity="high")
    Flag.objects.filter(pk=escalated.pk).update(created_at=START - 30 * D, opened_at=START - D)
    step = FlagEscalation.objects.create(flag=escalated, opened_at=START - D, step_days=3)
    _dated(FlagEscalation, step, "created_at", END)
    opened_start = DataGapFactory(project=churn, title="Opened at the start")
    opened_end = DataGapFactory(project=churn, title="Opened at the end")
    delivered_end = DataGapFactory(
        project=churn,
        title="Delivered at the end",
        status="delivered",
        delivered_dataset="x",
        delivered_at=END,
    )
    DataGap.objects.filter(pk=opened_start.pk).update(created_at=START)
    DataGap.objects.filter(pk=opened_end.pk).update(created_at=END)
    DataGap.objects.filter(pk=delivered_end.pk).update(created_at=START - 2 * D)

    digest = _build(week["ann"])
    assert _texts(_section(digest, "phases")) == ["Churn: Research → Prototype"]
    flags = {
        g["title"]: [i["text"] for i in g["items"]] for g in _section(digest, "flags")["groups"]
    }
    assert flags["New this week"] == ["[Low] Raised at the start"]
    assert "Escalated this week" not in flags
    assert _section(digest, "flags")["count"] == 1
    gaps = {
        g["title"]: [i["text"] for i in g["items"]] for g in _section(digest, "datagaps")["groups"]
    }
    assert gaps["Opened this week"] == ["Opened at the start"]
    assert "Delivered this week" not in gaps
