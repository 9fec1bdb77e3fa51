"""The phase rules, pinned literally: the transition table, every pair of phases through the
UI and the API with one message for a refused move, and the override reason recorded only
when a gate failed."""

import pytest
from django.urls import reverse

from activity.models import Activity, EventType
from projects.models import Phase, PhaseChange, Project
from projects.services import project_change_phase
from projects.transitions import PHASE_TRANSITIONS, allowed_phases
from tests.factories import ProjectFactory, project_with_open_gates

pytestmark = pytest.mark.django_db

# The lifecycle, written out. Never build this from the table under test: adding
# released -> research or dropping monitoring -> implementation must fail here.
EXPECTED_TRANSITIONS = {
    "research": {"prototype", "archived"},
    "prototype": {"research", "implementation", "archived"},
    "implementation": {"prototype", "released", "archived"},
    "released": {"monitoring", "archived"},
    "monitoring": {"implementation", "archived"},
    "archived": {"research"},
}
PHASES = ["research", "prototype", "implementation", "released", "monitoring", "archived"]
LABELS = {
    "research": "Research",
    "prototype": "Prototype",
    "implementation": "Implementation",
    "released": "Released",
    "monitoring": "Monitoring",
    "archived": "Archived",
}
ALL_PAIRS = [(source, to) for source in PHASES for to in PHASES]


def test_phase_table_is_exactly_the_lifecycle():
    assert {str(k): {str(p) for p in v} for k, v in PHASE_TRANSITIONS.items()} == (
        EXPECTED_TRANSITIONS
    )
    assert list(Phase.values) == PHASES


@pytest.mark.parametrize(
    "current, expected",
    [
        ("research", ["prototype", "archived"]),
        ("prototype", ["research", "implementation", "archived"]),
        ("implementation", ["prototype", "released", "archived"]),
        ("released", ["monitoring", "archived"]),
        ("monitoring", ["implementation", "archived"]),
        ("archived", ["research"]),
    ],
)
def test_allowed_phases_follow_the_table_in_lifecycle_order(current, expected):
    assert allowed_phases(current) == expected


def _refusal(source: str, to: str) -> str:
    return f"A project in {LABELS[source]} cannot move to {LABELS[to]}."


def _project(source: str, gates: str) -> Project:
    return (
        project_with_open_gates(phase=source) if gates == "open" else ProjectFactory(phase=source)
    )


def _payload(to: str, gates: str) -> dict:
    return (
        {"to": to, "override_reason": "Agreed with the sponsor"}
        if gates == "overridden"
        else {"to": to}
    )


@pytest.mark.parametrize("gates", ["open", "overridden"])
@pytest.mark.parametrize("source, to", ALL_PAIRS)
def test_every_pair_of_phases_through_the_ui_and_the_api(
    client, api_as, manager, source, to, gates
):
    """Allowed moves succeed (gates open, or failing and overridden); every other pair is
    refused with the same message in the UI and the API, and nothing is written."""
    allowed = to in EXPECTED_TRANSITIONS[source]
    client.force_login(manager)
    messages = {}
    for channel in ("ui", "api"):
        project = _project(source, gates)
        if channel == "ui":
            response = client.post(
                reverse("projects:project-phase", args=[project.slug]), _payload(to, gates)
            )
            if allowed:
                assert response.status_code == 302, response.content.decode()[:2000]
            else:
                assert response.status_code == 400
                messages["ui"] = list(response.context["phase_form"].errors.get("to", []))
        else:
            response = api_as(manager).post(
                f"/api/v1/projects/{project.pk}/phase/", _payload(to, gates), format="json"
            )
            if allowed:
                assert response.status_code == 200, response.json()
                assert response.json()["phase"] == to
            else:
                assert response.status_code == 400
                messages["api"] = response.json().get("to")
        project.refresh_from_db()
        assert project.phase == (to if allowed else source), channel
        assert PhaseChange.objects.filter(project=project).count() == (1 if allowed else 0)
        assert Activity.objects.filter(
            project=project, event=EventType.PROJECT_PHASE_CHANGED
        ).count() == (1 if allowed else 0)
    if not allowed:
        assert messages["api"] == [_refusal(source, to)]
        assert messages["ui"] == messages["api"], "the UI and the API must refuse alike"


# --- the override reason: recorded only when a gate failed --------------------------------

REASON = "The sponsor accepts the risk"


def _move(channel: str, client, api_as, manager, project: Project, override_reason: str):
    data = {"to": Phase.PROTOTYPE, "override_reason": override_reason}
    if channel == "service":
        project_change_phase(project=project, actor=manager, **data)
    elif channel == "ui":
        client.force_login(manager)
        response = client.post(reverse("projects:project-phase", args=[project.slug]), data)
        assert response.status_code == 302
    else:
        response = api_as(manager).post(
            f"/api/v1/projects/{project.pk}/phase/", data, format="json"
        )
        assert response.status_code == 200, response.json()


@pytest.mark.parametrize("channel", ["service", "ui", "api"])
def test_override_reason_is_recorded_when_a_gate_failed(client, api_as, manager, channel):
    project = ProjectFactory(phase=Phase.RESEARCH)  # no target: leaving research is gated
    _move(channel, client, api_as, manager, project, f"  {REASON}  ")
    change = PhaseChange.objects.get(project=project)
    assert change.override_reason == REASON
    event = Activity.objects.get(project=project, event=EventType.PROJECT_PHASE_CHANGED)
    assert event.data["override_reason"] == REASON
    assert event.data["overridden"] == [
        "Add at least one target or ideal user scenario before leaving research."
    ]


@pytest.mark.parametrize("channel", ["service", "ui", "api"])
def test_override_reason_is_not_recorded_when_no_gate_failed(client, api_as, manager, channel):
    project = project_with_open_gates(phase=Phase.RESEARCH)
    _move(channel, client, api_as, manager, project, REASON)
    change = PhaseChange.objects.get(project=project)
    assert change.override_reason == ""
    event = Activity.objects.get(project=project, event=EventType.PROJECT_PHASE_CHANGED)
    assert event.data == {"from": "research", "to": "prototype"}


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_override_reason_does_not_pass_a_failing_gate(api_as, manager, blank):
    project = ProjectFactory(phase=Phase.RESEARCH)
    response = api_as(manager).post(
        f"/api/v1/projects/{project.pk}/phase/",
        {"to": "prototype", "override_reason": blank},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"to", "override_reason"}
    project.refresh_from_db()
    assert project.phase == Phase.RESEARCH
    assert not PhaseChange.objects.filter(project=project).exists()
