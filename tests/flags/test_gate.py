"""The critical-flag gate: an unacknowledged critical flag blocks entering implementation;
a manager may override it with a reason; acknowledging it opens the gate."""

import pytest
from django.core.exceptions import ValidationError

from flags import services
from flags.models import FlagStatus
from projects import services as project_services
from projects.models import Phase, PhaseChange
from tests.factories import project_with_open_gates

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_project(manager):
    """A project in prototype that passes every other gate."""
    return project_with_open_gates(phase=Phase.PROTOTYPE, product_manager=manager)


def _move(project, manager, **kwargs):
    return project_services.project_change_phase(
        project=project, to=Phase.IMPLEMENTATION, actor=manager, **kwargs
    )


def test_an_open_critical_flag_blocks_implementation_and_is_named(
    ready_project, manager, scientist
):
    services.flag_raise(
        project=ready_project, title="Consent export", severity="critical", actor=scientist
    )
    services.flag_raise(
        project=ready_project, title="Audit log", severity="critical", actor=scientist
    )
    with pytest.raises(ValidationError) as refused:
        _move(ready_project, manager)
    assert refused.value.message_dict["to"] == [
        "Acknowledge the critical dependency flags “Consent export”, “Audit log” before "
        "implementation."
    ]
    ready_project.refresh_from_db()
    assert ready_project.phase == Phase.PROTOTYPE


def test_one_flag_is_named_in_the_singular(ready_project, manager, scientist):
    services.flag_raise(
        project=ready_project, title="Consent export", severity="critical", actor=scientist
    )
    with pytest.raises(ValidationError) as refused:
        _move(ready_project, manager)
    assert refused.value.message_dict["to"] == [
        "Acknowledge the critical dependency flag “Consent export” before implementation."
    ]


def test_a_manager_overrides_with_a_recorded_reason(ready_project, manager, scientist):
    services.flag_raise(
        project=ready_project, title="Consent export", severity="critical", actor=scientist
    )
    moved = _move(ready_project, manager, override_reason="Legal agreed by mail")
    assert moved.phase == Phase.IMPLEMENTATION
    change = PhaseChange.objects.get(project=ready_project, to_phase=Phase.IMPLEMENTATION)
    assert change.override_reason == "Legal agreed by mail"


def test_acknowledging_opens_the_gate(ready_project, manager, scientist, engineer):
    flag = services.flag_raise(
        project=ready_project, title="Consent", severity="critical", actor=scientist
    )
    services.flag_transition(flag=flag, to=FlagStatus.ACKNOWLEDGED, actor=engineer)
    assert _move(ready_project, manager).phase == Phase.IMPLEMENTATION


@pytest.mark.parametrize("severity", ["low", "medium", "high"])
def test_only_critical_flags_block(ready_project, manager, scientist, severity):
    services.flag_raise(project=ready_project, title="Thing", severity=severity, actor=scientist)
    assert _move(ready_project, manager).phase == Phase.IMPLEMENTATION


def test_a_reopened_critical_flag_blocks_again(ready_project, manager, scientist, engineer):
    flag = services.flag_raise(
        project=ready_project, title="Consent", severity="critical", actor=scientist
    )
    flag = services.flag_transition(flag=flag, to="acknowledged", actor=engineer)
    flag = services.flag_transition(flag=flag, to="resolved", actor=engineer, note="Done")
    services.flag_transition(flag=flag, to="open", actor=engineer, note="Legal said no")
    with pytest.raises(ValidationError):
        _move(ready_project, manager)


def test_flags_of_other_projects_do_not_block(ready_project, manager, scientist):
    other = project_with_open_gates(phase=Phase.PROTOTYPE)
    services.flag_raise(project=other, title="Elsewhere", severity="critical", actor=scientist)
    assert _move(ready_project, manager).phase == Phase.IMPLEMENTATION


def test_moves_other_than_into_implementation_are_not_gated(ready_project, manager, scientist):
    services.flag_raise(
        project=ready_project, title="Consent", severity="critical", actor=scientist
    )
    moved = project_services.project_change_phase(
        project=ready_project, to=Phase.RESEARCH, actor=manager
    )
    assert moved.phase == Phase.RESEARCH
