"""Releasing a project: what becomes of its future placeholders, and the suggested health;
through the service, the project page and the API."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activity.models import Activity, EventType
from projects import portfolio, services
from projects.models import Health, Phase, PhaseChange, Project, Rotation
from tests.factories import DataGapFactory, FlagFactory, ProjectFactory, RotationFactory

pytestmark = pytest.mark.django_db


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _releasable(**kwargs) -> Project:
    """A project in implementation with a placeholder running today and one starting
    tomorrow (the future one), and a staffed rotation starting later."""
    project = ProjectFactory(phase=Phase.IMPLEMENTATION, name="Shipping", **kwargs)
    RotationFactory(project=project, person=None, role="Now", start=_days(0), planned_end=None)
    RotationFactory(project=project, person=None, role="Later", start=_days(1), planned_end=None)
    RotationFactory(project=project, role="Staffed later", start=_days(5), planned_end=_days(50))
    return project


def _roles(project: Project) -> list[tuple[str, datetime.date | None]]:
    return list(
        Rotation.objects.filter(project=project).order_by("start").values_list("role", "actual_end")
    )


# --- the service ---------------------------------------------------------------------------


def test_a_release_with_future_placeholders_must_say_what_becomes_of_them(manager):
    project = _releasable()
    with pytest.raises(ValidationError) as error:
        services.project_change_phase(project=project, to=Phase.RELEASED, actor=manager)
    assert error.value.message_dict == {
        "future_placeholders": [
            "1 placeholder starts after the release: cancel it, or keep it as demand for a "
            "next phase."
        ]
    }
    project.refresh_from_db()
    assert project.phase == Phase.IMPLEMENTATION
    assert not PhaseChange.objects.exists()
    assert _roles(project) == [("Now", None), ("Later", None), ("Staffed later", None)]


def test_the_question_counts_the_placeholders_in_the_plural(manager):
    project = _releasable()
    RotationFactory(project=project, person=None, role="Much later", start=_days(30))
    with pytest.raises(ValidationError) as error:
        services.project_change_phase(
            project=project, to=Phase.RELEASED, actor=manager, future_placeholders="later"
        )
    assert error.value.message_dict["future_placeholders"] == [
        "2 placeholders start after the release: cancel them, or keep them as demand for a "
        "next phase."
    ]


def test_cancel_removes_only_the_placeholders_that_start_after_today(manager):
    project = _releasable()
    services.project_change_phase(
        project=project, to=Phase.RELEASED, actor=manager, future_placeholders="cancel"
    )
    # The one running today is ended by the release; the staffed future rotation stays.
    assert _roles(project) == [("Now", _days(0)), ("Staffed later", None)]
    removed = Activity.objects.get(event=EventType.ROTATION_DELETED)
    assert removed.data == {"person": None, "role": "Later", "reason": "project released"}


def test_keep_leaves_them_as_unfilled_demand_for_a_next_phase(manager):
    project = _releasable()
    services.project_change_phase(
        project=project, to=Phase.RELEASED, actor=manager, future_placeholders="keep"
    )
    assert _roles(project) == [("Now", _days(0)), ("Later", None), ("Staffed later", None)]
    # Tomorrow the placeholder the release ended is gone; the kept one is demand.
    row = portfolio.portfolio_list(today=_days(1)).get(pk=project.pk)
    assert row.open_demand == 1
    assert not Activity.objects.filter(event=EventType.ROTATION_DELETED).exists()


def test_a_release_without_future_placeholders_asks_nothing(manager):
    project = ProjectFactory(phase=Phase.IMPLEMENTATION)
    RotationFactory(project=project, person=None, start=_days(0), planned_end=None)
    services.project_change_phase(project=project, to=Phase.RELEASED, actor=manager)
    project.refresh_from_db()
    assert project.phase == Phase.RELEASED


def test_other_moves_ignore_future_placeholders(manager):
    project = ProjectFactory(phase=Phase.IMPLEMENTATION)
    RotationFactory(project=project, person=None, start=_days(3))
    services.project_change_phase(project=project, to=Phase.PROTOTYPE, actor=manager)
    assert Rotation.objects.filter(project=project).count() == 1


def test_the_release_sets_the_health_given_and_records_it(manager):
    project = ProjectFactory(phase=Phase.IMPLEMENTATION, health=Health.ON_TRACK)
    services.project_change_phase(
        project=project, to=Phase.RELEASED, actor=manager, health=Health.AT_RISK
    )
    project.refresh_from_db()
    assert project.health == Health.AT_RISK
    event = Activity.objects.get(event=EventType.PROJECT_PHASE_CHANGED)
    assert event.data["health"] == ["on_track", "at_risk"]


def test_an_unknown_health_is_refused_before_anything_moves(manager):
    project = ProjectFactory(phase=Phase.IMPLEMENTATION)
    with pytest.raises(ValidationError) as error:
        services.project_change_phase(
            project=project, to=Phase.RELEASED, actor=manager, health="great"
        )
    assert error.value.message_dict == {"health": ["“great” is not a health."]}
    project.refresh_from_db()
    assert project.phase == Phase.IMPLEMENTATION


# --- the suggested health --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "flags", "gaps", "expected"),
    [
        (0, 0, 0, (Health.ON_TRACK, [])),  # due today: on time
        (None, 0, 0, (Health.ON_TRACK, [])),
        (-1, 0, 0, ("at_risk", ["released 1 day after its target release ({d})"])),
        (-3, 0, 0, ("at_risk", ["released 3 days after its target release ({d})"])),
        (5, 1, 0, ("at_risk", ["1 open flag"])),
        (5, 0, 2, ("at_risk", ["2 open data gaps"])),
        (
            -1,
            2,
            1,
            (
                "off_track",
                [
                    "released 1 day after its target release ({d})",
                    "2 open flags",
                    "1 open data gap",
                ],
            ),
        ),
    ],
)
def test_release_health_suggestion(target, flags, gaps, expected):
    project = ProjectFactory(
        phase=Phase.IMPLEMENTATION, target_release=None if target is None else _days(target)
    )
    for _ in range(flags):
        FlagFactory(project=project)
    for _ in range(gaps):
        DataGapFactory(project=project)
    FlagFactory(project=project, status="resolved", closed_at=timezone.now())
    when = "" if target is None else f"{_days(target):%-d %b %Y}"
    health, reasons = expected
    assert portfolio.release_health_suggestion(project) == (
        health,
        [reason.format(d=when) for reason in reasons],
    )


# --- the project page ------------------------------------------------------------------------


def test_the_page_asks_about_future_placeholders_and_preselects_the_suggested_health(
    client, manager
):
    project = _releasable(target_release=_days(-2))
    client.force_login(manager)
    html = client.get(project.get_absolute_url()).content.decode()
    assert "On release, 1 placeholder starts later" in html
    assert "Suggested: At risk: released 2 days after its target release" in html
    assert '<option value="at_risk" selected>At risk</option>' in html


def test_the_page_asks_nothing_where_release_is_not_a_move(client, manager):
    project = ProjectFactory(phase=Phase.RESEARCH)
    RotationFactory(project=project, person=None, start=_days(3))
    client.force_login(manager)
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Health on release" not in html and "placeholder starts later" not in html


def test_releasing_from_the_page_without_an_answer_shows_the_question(client, manager):
    project = _releasable()
    client.force_login(manager)
    url = reverse("projects:project-phase", kwargs={"slug": project.slug})
    response = client.post(url, {"to": "released", "expected_phase": "implementation"})
    assert response.status_code == 400
    assert "1 placeholder starts after the release: cancel it" in response.content.decode()
    project.refresh_from_db()
    assert project.phase == Phase.IMPLEMENTATION


def test_releasing_from_the_page_cancels_and_sets_the_health(client, manager):
    project = _releasable()
    client.force_login(manager)
    url = reverse("projects:project-phase", kwargs={"slug": project.slug})
    response = client.post(
        url,
        {
            "to": "released",
            "expected_phase": "implementation",
            "future_placeholders": "cancel",
            "health": "off_track",
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.phase, project.health) == (Phase.RELEASED, Health.OFF_TRACK)
    assert [role for role, _ in _roles(project)] == ["Now", "Staffed later"]


def test_another_move_from_the_page_leaves_health_and_placeholders_alone(client, manager):
    project = _releasable(health=Health.ON_TRACK)
    client.force_login(manager)
    url = reverse("projects:project-phase", kwargs={"slug": project.slug})
    client.post(
        url,
        {
            "to": "prototype",
            "expected_phase": "implementation",
            "future_placeholders": "cancel",
            "health": "off_track",
        },
    )
    project.refresh_from_db()
    assert (project.phase, project.health) == (Phase.PROTOTYPE, Health.ON_TRACK)
    assert len(_roles(project)) == 3


# --- the API ---------------------------------------------------------------------------------


def test_the_api_asks_the_same_question_and_takes_the_answer(api_as, manager):
    project = _releasable()
    api = api_as(manager)
    url = f"/api/v1/projects/{project.pk}/phase/"
    response = api.post(url, {"to": "released"}, format="json")
    assert response.status_code == 400
    assert response.json()["future_placeholders"] == [
        "1 placeholder starts after the release: cancel it, or keep it as demand for a next phase."
    ]
    assert api.post(url, {"to": "released", "future_placeholders": "later"}).status_code == 400
    response = api.post(
        url, {"to": "released", "future_placeholders": "keep", "health": "at_risk"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["phase"], response.json()["health"]) == ("released", "at_risk")
    assert [role for role, _ in _roles(project)] == ["Now", "Later", "Staffed later"]
