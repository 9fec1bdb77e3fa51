"""The portfolio's selectors: order, overdue, team and demand, failing gates, open items,
filters, latest activity, and the roadmap's phases over time."""

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from activity.models import EventType
from activity.services import activity_record
from core import registries
from projects import portfolio
from projects.filters import PortfolioFilter
from projects.models import Health, Phase, PhaseChange
from projects.selectors import project_people_current_and_planned_count
from projects.transitions import NEXT_PHASE
from tests.factories import (
    BoardFactory,
    DataGapFactory,
    FlagFactory,
    IdeaFactory,
    ProjectFactory,
    RotationFactory,
    TargetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _today() -> datetime.date:
    return timezone.localdate()


def _days(n: int) -> datetime.date:
    return _today() + datetime.timedelta(days=n)


def _rows(**filters):
    request = RequestFactory().get("/")
    request.user = filters.pop("user", None) or UserFactory()
    data = {key: value for key, value in filters.items()}
    filterset = PortfolioFilter(data or None, queryset=portfolio.portfolio_list(), request=request)
    assert not filterset.is_bound or filterset.is_valid(), filterset.errors
    return portfolio.portfolio_rows(filterset.qs)


def _names(**filters) -> list[str]:
    return [project.name for project in _rows(**filters)]


def test_next_phase_is_the_forward_step_of_the_lifecycle():
    assert NEXT_PHASE == {
        "research": "prototype",
        "prototype": "implementation",
        "implementation": "released",
        "released": "monitoring",
    }


def test_off_track_then_at_risk_first_then_by_target_release_none_last():
    ProjectFactory(name="A on track, no date", health=Health.ON_TRACK)
    ProjectFactory(name="B on track, soon", health=Health.ON_TRACK, target_release=_days(5))
    ProjectFactory(name="C at risk, later", health=Health.AT_RISK, target_release=_days(50))
    ProjectFactory(name="D off track", health=Health.OFF_TRACK, target_release=_days(90))
    ProjectFactory(name="E at risk, sooner", health=Health.AT_RISK, target_release=_days(10))
    ProjectFactory(name="F on track, later", health=Health.ON_TRACK, target_release=_days(60))
    assert _names() == [
        "D off track",
        "E at risk, sooner",
        "C at risk, later",
        "B on track, soon",
        "F on track, later",
        "A on track, no date",
    ]


def test_overdue_from_the_day_after_the_target_release_while_still_delivering():
    ProjectFactory(name="Due today", target_release=_days(0))
    ProjectFactory(name="Due yesterday", target_release=_days(-1))
    ProjectFactory(name="Prototype late", phase=Phase.PROTOTYPE, target_release=_days(-30))
    ProjectFactory(name="Implementation late", phase=Phase.IMPLEMENTATION, target_release=_days(-2))
    ProjectFactory(name="Released late", phase=Phase.RELEASED, target_release=_days(-1))
    ProjectFactory(name="Monitoring late", phase=Phase.MONITORING, target_release=_days(-1))
    ProjectFactory(name="No date")
    overdue = {project.name: project.is_overdue for project in _rows()}
    assert overdue == {
        "Due today": False,
        "Due yesterday": True,
        "Prototype late": True,
        "Implementation late": True,
        "Released late": False,
        "Monitoring late": False,
        "No date": False,
    }
    assert sorted(_names(overdue="true")) == [
        "Due yesterday",
        "Implementation late",
        "Prototype late",
    ]


def test_team_counts_members_current_and_planned_people_once_and_demand_counts_open_placeholders():
    project = ProjectFactory(name="Team")
    member, current, planned, past = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    project.members.add(member, current)  # a member with a rotation counts once
    RotationFactory(project=project, person=current, start=_days(-10), planned_end=_days(10))
    RotationFactory(project=project, person=planned, start=_days(1), planned_end=_days(40))
    RotationFactory(project=project, person=past, start=_days(-60), planned_end=_days(-1))
    # Ended early (actual end yesterday) though planned to run on: not on the team.
    RotationFactory(
        project=project,
        person=UserFactory(),
        start=_days(-60),
        planned_end=_days(60),
        actual_end=_days(-1),
    )
    RotationFactory(project=project, person=None, start=_days(-5), planned_end=_days(5))
    RotationFactory(project=project, person=None, start=_days(3), planned_end=_days(30))
    RotationFactory(project=project, person=None, start=_days(-30), planned_end=_days(-1))
    ProjectFactory(name="Empty")
    rows = {project.name: project for project in _rows()}
    assert (rows["Team"].team_size, rows["Team"].open_demand) == (3, 2)
    assert (rows["Empty"].team_size, rows["Empty"].open_demand) == (0, 0)


def test_a_rotation_ending_today_still_counts_and_one_starting_today_is_current():
    project = ProjectFactory()
    RotationFactory(project=project, start=_days(-10), planned_end=_days(0))
    RotationFactory(project=project, start=_days(0), planned_end=_days(10))
    counted = type(project).objects.annotate(n=project_people_current_and_planned_count())
    assert counted.get(pk=project.pk).n == 2


def test_failing_gates_of_the_next_phase_with_their_messages():
    ProjectFactory(name="Research, no target")
    TargetFactory(project=ProjectFactory(name="Research, a target"))
    stuck = ProjectFactory(name="Prototype, stuck", phase=Phase.PROTOTYPE)
    FlagFactory(project=stuck, severity="critical", title="Event stream")
    FlagFactory(project=stuck, severity="critical", title="Ack'd", status="acknowledged")
    ready = ProjectFactory(name="Prototype, ready", phase=Phase.PROTOTYPE)
    IdeaFactory(board=BoardFactory(project=ready), status="promoted")
    ProjectFactory(name="Implementation", phase=Phase.IMPLEMENTATION)
    ProjectFactory(name="Monitoring", phase=Phase.MONITORING)
    rows = {project.name: (project.next_phase, project.failing_gates) for project in _rows()}
    assert rows == {
        "Research, no target": (
            "prototype",
            ["Add at least one target or ideal user scenario before leaving research."],
        ),
        "Research, a target": ("prototype", []),
        "Prototype, stuck": (
            "implementation",
            [
                "Promote at least one idea on this project's boards before implementation.",
                "Acknowledge the critical dependency flag “Event stream” before implementation.",
            ],
        ),
        "Prototype, ready": ("implementation", []),
        "Implementation": ("released", []),
        "Monitoring": (None, []),
    }


def test_batched_gates_answer_what_the_gates_answer_one_by_one():
    projects = [
        ProjectFactory(phase=Phase.RESEARCH),
        TargetFactory(project=ProjectFactory(phase=Phase.RESEARCH)).project,
        ProjectFactory(phase=Phase.PROTOTYPE),
        FlagFactory(project=ProjectFactory(phase=Phase.PROTOTYPE), severity="critical").project,
    ]
    IdeaFactory(board=BoardFactory(project=projects[3]), status="promoted")
    moves = [(project, NEXT_PHASE[project.phase]) for project in projects]
    many = registries.gate_problems_many(moves)
    assert many == {project.pk: registries.gate_problems(project, to) for project, to in moves}
    assert [len(problems) for problems in many.values()] == [1, 0, 1, 1]


def test_a_gate_without_a_batched_form_is_asked_project_by_project(monkeypatch):
    monkeypatch.setattr(registries, "_GATES", dict(registries._GATES))
    registries.register_gate(lambda project, to: [f"No {project.name}"], entering="prototype")
    first, second = ProjectFactory(name="One"), ProjectFactory(name="Two", phase=Phase.PROTOTYPE)
    TargetFactory(project=first)
    found = registries.gate_problems_many([(first, "prototype"), (second, "implementation")])
    assert found[first.pk] == ["No One"]
    assert "No Two" not in found[second.pk]


def test_open_flags_and_data_gaps_are_counted_and_filtered_on():
    flagged = ProjectFactory(name="Flagged")
    FlagFactory(project=flagged)
    FlagFactory(project=flagged, status="acknowledged")
    FlagFactory(project=flagged, status="resolved", closed_at=timezone.now())
    gapped = ProjectFactory(name="Gapped")
    DataGapFactory(project=gapped)
    DataGapFactory(project=gapped, status="declined", decline_reason="Not ours.")
    ProjectFactory(name="Quiet")
    rows = {
        project.name: [(cell.key, cell.count, cell.text) for cell in project.counts]
        for project in _rows()
    }
    assert rows == {
        "Flagged": [("flags", 2, "2 open flags")],
        "Gapped": [("datagaps", 1, "1 open data gap")],
        "Quiet": [],
    }
    assert _names(has_open="flags") == ["Flagged"]
    assert _names(has_open="datagaps") == ["Gapped"]


def test_filters_by_phase_health_product_manager_and_mine_and_archived_only_on_request():
    me, pm = UserFactory(), UserFactory()
    ProjectFactory(name="Also by that PM", product_manager=pm)
    mine = ProjectFactory(name="Mine", product_manager=pm, health=Health.AT_RISK)
    mine.members.add(me)
    ProjectFactory(name="Theirs", phase=Phase.PROTOTYPE)
    ProjectFactory(name="Archived", phase=Phase.ARCHIVED)
    assert "Archived" not in _names()
    assert _names(phase="archived") == ["Archived"]
    assert _names(phase="prototype") == ["Theirs"]
    assert _names(health="at_risk") == ["Mine"]
    assert _names(pm=str(pm.pk)) == ["Mine", "Also by that PM"]
    assert _names(mine="true", user=me) == ["Mine"]
    assert "Mine" not in _names(mine="false", user=me)


def test_latest_activity_is_the_newest_event_of_the_project():
    project = ProjectFactory(name="Busy")
    actor = UserFactory()
    activity_record(actor=actor, event=EventType.PROJECT_CREATED, target=project, project=project)
    target = TargetFactory(project=project, text="Faster answers")
    activity_record(actor=actor, event=EventType.TARGET_CREATED, target=target, project=project)
    ProjectFactory(name="Silent")
    rows = {project.name: project for project in _rows()}
    assert rows["Busy"].last_activity_text == f"{EventType.TARGET_CREATED.label} Faster answers"
    assert rows["Busy"].last_activity_at is not None
    assert (rows["Silent"].last_activity_at, rows["Silent"].last_activity_text) == (None, "")


def test_roadmap_draws_phases_from_the_history_and_marks_the_target_release():
    project = ProjectFactory(name="Moving", target_release=_days(-3))
    created = timezone.now() - datetime.timedelta(days=40)
    type(project).objects.filter(pk=project.pk).update(created_at=created)
    change = PhaseChange.objects.create(
        project=project, from_phase="research", to_phase="prototype"
    )
    PhaseChange.objects.filter(pk=change.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=10)
    )
    ProjectFactory(name="Fresh")
    result = portfolio.roadmap(portfolio.portfolio_list().order_by("name"))
    rows = {row["project"].name: row for row in result.rows}
    moving = rows["Moving"]
    assert [(p["label"], p["start"], p["end"]) for p in moving["periods"]] == [
        ("Research", _days(-40), _days(-10)),
        ("Prototype", _days(-10), None),
    ]
    assert [segment["label"] for segment in moving["segments"]] == ["Research", "Prototype"]
    assert moving["overdue"] is True and moving["target_shown"] is True
    assert moving["segments"][0]["left"] < moving["segments"][1]["left"] <= result.today_left
    assert [p["label"] for p in rows["Fresh"]["periods"]] == ["Research"]
    assert rows["Fresh"]["target"] is None and rows["Fresh"]["overdue"] is False
    # Whole months from six back to six ahead, this month marked.
    assert len(result.months) == 13
    assert [m["date"] for m in result.months if m["current"]] == [_today().replace(day=1)]
    assert result.first == result.months[0]["date"]
