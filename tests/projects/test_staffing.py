"""Staffing when assigning: the utilisation ceiling, archived and released projects, who is
free over a rotation's dates (the rotation form's live panel), the staffing grid's filters,
confirming a removal, and the team count."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Discipline
from projects import selectors, services
from projects.models import Phase, Rotation
from tests.factories import ProjectFactory, RotationFactory, UserFactory

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2030, 1, 7)
LONG_BEFORE = datetime.date(2029, 1, 1)


def _today() -> datetime.date:
    return timezone.localdate()


def _over(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "is allocated over" in w]


# --- the utilisation ceiling (a setting) ----------------------------------------------------


@pytest.mark.parametrize(
    "ceiling, second, warns",
    [(100, 40, False), (100, 41, True), (80, 20, False), (80, 21, True), (120, 60, False)],
)
def test_over_allocation_follows_the_ceiling_setting(settings, ceiling, second, warns):
    settings.STAFFING_UTILISATION_CEILING = ceiling
    person = UserFactory(first_name="Ada", last_name="Lovelace")
    RotationFactory(person=person, allocation=60, start=MONDAY, planned_end=MONDAY.replace(month=3))
    proposed = Rotation(
        project=ProjectFactory(),
        person=person,
        role="Data scientist",
        start=MONDAY,
        planned_end=MONDAY + datetime.timedelta(days=6),
        allocation=second,
    )
    warnings = services.rotation_warnings(proposed, today=LONG_BEFORE)
    if warns:
        assert warnings == [
            f"Ada Lovelace is allocated over {ceiling} % (up to {60 + second} %) in 1 week, "
            "from the week of 7 Jan 2030."
        ]
    else:
        assert warnings == []


def test_an_edited_rotation_does_not_count_its_old_allocation(settings):
    """Raising a rotation from 60 to 100 % alone is at the ceiling, not 160 %."""
    person = UserFactory()
    rotation = RotationFactory(
        person=person, allocation=60, start=MONDAY, planned_end=MONDAY.replace(month=2)
    )
    rotation.allocation = 100
    assert _over(services.rotation_warnings(rotation, today=LONG_BEFORE)) == []
    rotation.allocation = 101  # over the ceiling on its own (the model refuses it on save)
    assert len(_over(services.rotation_warnings(rotation, today=LONG_BEFORE))) == 1


def test_staffing_grid_highlights_above_the_ceiling_setting(client, viewer, settings):
    settings.STAFFING_UTILISATION_CEILING = 80
    monday = selectors.week_start(_today())
    person = UserFactory(first_name="Grace", last_name="Hopper")
    RotationFactory(person=person, allocation=50, start=monday, planned_end=monday)
    RotationFactory(person=person, allocation=30, start=monday, planned_end=monday)
    other = UserFactory(first_name="Alan", last_name="Turing")
    RotationFactory(person=other, allocation=81, start=monday, planned_end=monday)
    client.force_login(viewer)
    html = client.get(reverse("projects:staffing")).content.decode()
    grid = html.split('<table class="staffing"')[1]  # past the legend's sample
    cells = re.findall(r'<span class="week-total([^"]*)">(\d+) %', grid)
    assert sorted((int(total), " over" in classes) for classes, total in cells) == [
        (80, False),
        (81, True),
    ]


# --- archived and released projects --------------------------------------------------------


def test_a_rotation_on_an_archived_project_is_refused(manager):
    project = ProjectFactory(name="Old churn", phase=Phase.ARCHIVED)
    with pytest.raises(ValidationError) as error:
        services.rotation_create(actor=manager, project=project, role="DS", start=MONDAY)
    assert error.value.message_dict == {
        "project": ["Old churn is archived: it takes no new or changed rotations."]
    }
    assert not Rotation.objects.exists()


def test_a_rotation_on_an_archived_project_cannot_be_changed(manager):
    rotation = RotationFactory(project=ProjectFactory(phase=Phase.ARCHIVED), allocation=50)
    with pytest.raises(ValidationError) as error:
        services.rotation_update(rotation=rotation, actor=manager, allocation=60)
    assert list(error.value.message_dict) == ["project"]
    rotation.refresh_from_db()
    assert rotation.allocation == 50


@pytest.mark.parametrize(
    "phase, refused, warned",
    [
        (Phase.RESEARCH, False, False),
        (Phase.IMPLEMENTATION, False, False),
        (Phase.RELEASED, False, True),
        (Phase.MONITORING, False, True),
        (Phase.ARCHIVED, True, False),
    ],
)
def test_each_phase_takes_a_rotation_warns_or_refuses(manager, phase, refused, warned):
    project = ProjectFactory(name="Churn", phase=phase)
    start = _today() + datetime.timedelta(days=60)
    if refused:
        with pytest.raises(ValidationError):
            services.rotation_create(actor=manager, project=project, role="DS", start=start)
        return
    rotation = services.rotation_create(
        actor=manager, project=project, role="DS", start=start, allocation=10
    )
    released = [w for w in services.rotation_warnings(rotation) if "already released" in w]
    label = Phase(phase).label
    expected = [f"Churn is already released ({label}): rotations on it ended with the release."]
    assert released == (expected if warned else [])


def test_the_rotation_form_refuses_an_archived_project_with_its_message(client, manager):
    project = ProjectFactory(name="Old churn", phase=Phase.ARCHIVED)
    client.force_login(manager)
    response = client.post(
        reverse("projects:rotation-create"),
        {"project": project.pk, "role": "DS", "start": "2030-01-07", "allocation": 50},
    )
    assert response.status_code == 200
    assert "Old churn is archived: it takes no new or changed rotations." in response.text
    assert not Rotation.objects.exists()


def test_the_api_refuses_an_archived_project_and_warns_on_a_released_one(api_as, manager):
    archived = ProjectFactory(phase=Phase.ARCHIVED)
    released = ProjectFactory(name="Shipped", phase=Phase.RELEASED)
    body = {"role": "DS", "start": "2030-01-07", "planned_end": "2030-02-07", "allocation": 20}
    api = api_as(manager)
    refused = api.post("/api/v1/rotations/", {**body, "project": archived.pk}, format="json")
    assert refused.status_code == 400
    assert list(refused.json()) == ["project"]
    warned = api.post("/api/v1/rotations/", {**body, "project": released.pk}, format="json")
    assert warned.status_code == 201
    assert warned.json()["warnings"] == [
        "Shipped is already released (Released): rotations on it ended with the release."
    ]


# --- who is free over a rotation's dates ----------------------------------------------------


def test_availability_is_the_peak_week_below_the_ceiling_by_discipline():
    busy = UserFactory(first_name="Busy", last_name="B", discipline=Discipline.DATA_SCIENTIST)
    half = UserFactory(first_name="Half", last_name="H", discipline=Discipline.DATA_SCIENTIST)
    free = UserFactory(first_name="Free", last_name="F", discipline=Discipline.DATA_SCIENTIST)
    engineer = UserFactory(discipline=Discipline.SOFTWARE_ENGINEER)
    RotationFactory(person=busy, allocation=100, start=MONDAY, planned_end=MONDAY)
    RotationFactory(person=half, allocation=30, start=MONDAY, planned_end=MONDAY.replace(day=20))
    RotationFactory(person=half, allocation=20, start=MONDAY.replace(day=14), planned_end=None)
    # Outside the dates asked about: does not count.
    RotationFactory(person=free, allocation=100, start=MONDAY.replace(month=6), planned_end=None)
    result = selectors.staffing_availability(
        start=MONDAY,
        end=MONDAY.replace(month=2, day=3),
        discipline=Discipline.DATA_SCIENTIST,
        today=LONG_BEFORE,
    )
    ours = {busy.pk, half.pk, free.pk}
    rows = [
        (r["person"].pk, r["peak"], r["free"], r["peak_week"])
        for r in result.rows
        if r["person"].pk in ours
    ]
    assert rows == [
        (free.pk, 0, 100, None),
        (half.pk, 50, 50, MONDAY.replace(day=14)),
        (busy.pk, 100, 0, MONDAY),
    ]
    assert engineer.pk not in [r["person"].pk for r in result.rows]
    assert result.ceiling == 100


def test_availability_leaves_out_the_rotation_being_edited():
    person = UserFactory()
    rotation = RotationFactory(person=person, allocation=70, start=MONDAY, planned_end=MONDAY)
    peak = {
        r["person"].pk: r["peak"]
        for r in selectors.staffing_availability(
            start=MONDAY, end=MONDAY, exclude=rotation.pk, today=LONG_BEFORE
        ).rows
    }
    assert peak[person.pk] == 0


def _availability(client, **params):
    return client.get(reverse("projects:rotation-availability"), params, HTTP_HX_REQUEST="true")


def test_availability_fragment_warns_before_saving(client, manager):
    person = UserFactory(first_name="Ada", last_name="Lovelace")
    RotationFactory(person=person, allocation=60, start=MONDAY, planned_end=MONDAY.replace(month=3))
    project = ProjectFactory()
    client.force_login(manager)
    params = {
        "project": project.pk,
        "person": person.pk,
        "start": "2030-01-07",
        "planned_end": "2030-01-13",
    }
    at_ceiling = _availability(client, **params, allocation=40)
    assert at_ceiling.status_code == 200
    assert "<html" not in at_ceiling.text  # a fragment for htmx, not a page
    assert "is allocated over" not in at_ceiling.text
    assert "Ada Lovelace" in at_ceiling.text and "40 %" in at_ceiling.text
    over = _availability(client, **params, allocation=41)
    assert "Ada Lovelace is allocated over 100 % (up to 101 %) in 1 week" in over.text
    assert "(not enough for 41 %)" in over.text
    assert not Rotation.objects.filter(project=project).exists()  # nothing saved


def test_availability_fragment_filters_by_discipline(client, manager):
    UserFactory(first_name="Dora", last_name="Scientist", discipline=Discipline.DATA_SCIENTIST)
    UserFactory(first_name="Eve", last_name="Engineer", discipline=Discipline.SOFTWARE_ENGINEER)
    client.force_login(manager)
    html = _availability(client, start="2030-01-07", discipline=Discipline.SOFTWARE_ENGINEER).text
    assert "Eve Engineer" in html and "Dora Scientist" not in html


@pytest.mark.parametrize(
    "params, says",
    [
        ({}, "Pick a start date to see who is free"),
        ({"start": "not a date"}, "Pick a start date to see who is free"),
        ({"start": "2030-01-07", "planned_end": "2030-01-01"}, "The end is before the start."),
    ],
)
def test_availability_fragment_without_usable_dates_says_so(client, manager, params, says):
    client.force_login(manager)
    response = _availability(client, **params)
    assert response.status_code == 200
    assert says in response.text


def test_availability_fragment_is_for_planners(client, member):
    client.force_login(member)
    assert _availability(client, start="2030-01-07").status_code == 403


def test_the_rotation_form_shows_availability_on_first_render(client, manager):
    rotation = RotationFactory(
        person=UserFactory(first_name="Ada", last_name="Lovelace"),
        start=MONDAY,
        planned_end=MONDAY.replace(month=2),
    )
    client.force_login(manager)
    html = client.get(reverse("projects:rotation-edit", args=[rotation.pk])).text
    assert 'id="availability"' in html
    assert 'hx-get="/projects/rotations/availability/"' in html
    # Its own allocation is not counted against the person being edited.
    assert re.search(r"Ada Lovelace <small>\(chosen\)</small>.*?100 %</span>", html, re.S)


@pytest.mark.parametrize("size", [5, 50])
def test_availability_fragment_query_budget(client, manager, django_assert_num_queries, size):
    names = []
    for i in range(size):
        person = UserFactory(first_name=f"Avail{i:02}", last_name="Q")
        RotationFactory(person=person, allocation=10 + i, start=MONDAY, planned_end=None)
        names.append(f"Avail{i:02} Q")
    chosen = UserFactory()
    project = ProjectFactory()
    client.force_login(manager)
    params = {
        "project": project.pk,
        "person": chosen.pk,
        "start": "2030-01-07",
        "planned_end": "2030-06-30",
        "allocation": 50,
    }
    # session, user, profile; the project, the person (parsing); the person's weekly load
    # (the warning); everyone's peak week (availability)
    with django_assert_num_queries(7):
        response = _availability(client, **params)
    missing = [name for name in names if name not in response.text]
    assert not missing


# --- the staffing grid -----------------------------------------------------------------------


def test_staffing_grid_filters_by_project(client, viewer):
    today = _today()
    wanted = ProjectFactory(name="Wanted project")
    other = ProjectFactory(name="Other project")
    on_it = UserFactory(first_name="On", last_name="It")
    elsewhere = UserFactory(first_name="Else", last_name="Where")
    RotationFactory(person=on_it, project=wanted, start=today)
    RotationFactory(person=on_it, project=other, start=today, allocation=20)
    RotationFactory(person=elsewhere, project=other, start=today)
    RotationFactory(person=None, project=wanted, role="Wanted role", start=today)
    RotationFactory(person=None, project=other, role="Other role", start=today)
    client.force_login(viewer)
    html = client.get(reverse("projects:staffing"), {"project": wanted.slug}).text
    assert "On It" in html and "Else Where" not in html
    assert "Wanted role" in html and "Other role" not in html
    # The person's bars on other projects still show: a clash is visible.
    assert "Other project · 20 %" in html


@pytest.mark.parametrize(
    "params, error",
    [
        ({"back": "53"}, "Ensure this value is less than or equal to 52."),
        ({"ahead": "-1"}, "Ensure this value is greater than or equal to 0."),
        ({"back": "lots"}, "Enter a whole number."),
    ],
)
def test_staffing_grid_reports_a_bad_week_range(client, viewer, params, error):
    client.force_login(viewer)
    response = client.get(reverse("projects:staffing"), params)
    assert response.status_code == 200
    assert error in response.text
    assert "the timeline shows their defaults (12 weeks back, 12 weeks ahead)" in response.text
    assert response.context["timeline"].weeks.__len__() == 25


@pytest.mark.parametrize("back, ahead, weeks", [(0, 0, 1), (52, 52, 105), (3, 5, 9)])
def test_staffing_grid_takes_week_ranges_at_the_edges(client, viewer, back, ahead, weeks):
    client.force_login(viewer)
    response = client.get(reverse("projects:staffing"), {"back": back, "ahead": ahead})
    assert "could not be used" not in response.text
    assert len(response.context["timeline"].weeks) == weeks


def test_staffing_bars_open_the_rotation_for_planners(client, manager, viewer):
    rotation = RotationFactory(start=_today())
    client.force_login(manager)
    edit = reverse("projects:rotation-edit", args=[rotation.pk])
    assert f'class="bar {selectors.project_colour(rotation.project_id)}" href="{edit}"' in (
        client.get(reverse("projects:staffing")).text
    )
    client.force_login(viewer)
    team = reverse("projects:project-team", args=[rotation.project.slug])
    assert f'href="{team}"' in client.get(reverse("projects:staffing")).text


# --- removing asks first --------------------------------------------------------------------


@pytest.mark.parametrize("person", [True, False])
def test_removing_a_rotation_or_placeholder_asks_first(client, manager, person):
    rotation = RotationFactory(person=UserFactory() if person else None, role="Analyst")
    url = reverse("projects:rotation-delete", args=[rotation.pk])
    client.force_login(manager)
    page = client.get(url)
    noun = "rotation" if person else "placeholder"
    assert page.status_code == 200
    assert f"Remove this {noun}?" in page.text
    assert Rotation.objects.filter(pk=rotation.pk).exists()
    done = client.post(url, follow=True)
    assert f"{noun.capitalize()} removed." in done.text
    assert not Rotation.objects.filter(pk=rotation.pk).exists()


def test_the_removal_page_is_for_planners(client, member):
    rotation = RotationFactory()
    client.force_login(member)
    assert client.get(reverse("projects:rotation-delete", args=[rotation.pk])).status_code == 403


# --- the team count ---------------------------------------------------------------------------


def test_team_count_includes_planned_rotations_not_placeholders_or_past(client, viewer):
    today = _today()
    project = ProjectFactory()
    planned = UserFactory(first_name="Planned", last_name="P")
    RotationFactory(project=project, person=planned, start=today + datetime.timedelta(days=30))
    RotationFactory(project=project, person=None, start=today + datetime.timedelta(days=30))
    RotationFactory(
        project=project,
        start=today - datetime.timedelta(days=90),
        planned_end=today - datetime.timedelta(days=1),
    )
    assert selectors.project_list().get(pk=project.pk).team_size == 1
    client.force_login(viewer)
    html = client.get(project.get_absolute_url()).text
    assert "1 person</a>" in html
    team = client.get(reverse("projects:project-team", args=[project.slug])).text
    start = today + datetime.timedelta(days=30)
    assert f"planned from {start.day} {start:%b %Y}" in team
    assert "Planned P" in team


@pytest.mark.parametrize("size", [5, 50])
def test_staffing_grid_with_a_project_filter_query_budget(
    client, viewer, django_assert_num_queries, size
):
    today = _today()
    project = ProjectFactory(name="Filtered project")
    names = []
    for i in range(size):
        person = UserFactory(first_name=f"Filtered{i:02}", last_name="F")
        RotationFactory(person=person, project=project, start=today, allocation=50)
        RotationFactory(person=person, start=today, allocation=60)  # elsewhere: a clash
        RotationFactory(person=None, project=project, role=f"Open {i:02}", start=today)
        RotationFactory(person=UserFactory(first_name=f"Other{i:02}", last_name="O"), start=today)
        names += [f"Filtered{i:02} F", f"Open {i:02}"]
    client.force_login(viewer)
    # session, user, profile; the chosen project (parsing) and the filter's choices; people
    # with weekly sums, their rotations, placeholders, rolling off
    with django_assert_num_queries(9):
        response = client.get(reverse("projects:staffing"), {"project": project.slug})
    html = response.text
    assert not [name for name in names if name not in html]
    assert "Other00 O" not in html
    assert html.count("week-total over") >= size  # 110 % this week for each of them
