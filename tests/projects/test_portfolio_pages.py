"""The portfolio and roadmap pages and ``GET /api/v1/portfolio/``: rows, filters, errors,
and query budgets that stay the same at 5 and 50 projects."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from activity.models import EventType
from activity.services import activity_record
from projects.models import Health, Phase
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
SIZES = [5, 50]
PHASES = [Phase.RESEARCH, Phase.PROTOTYPE, Phase.IMPLEMENTATION, Phase.RELEASED, Phase.MONITORING]


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _portfolio(n: int) -> list[str]:
    """``n`` projects in every phase, each with everything a row shows."""
    names = []
    for i in range(n):
        project = ProjectFactory(
            name=f"Portfolio {i:02}",
            phase=PHASES[i % len(PHASES)],
            health=[Health.ON_TRACK, Health.AT_RISK, Health.OFF_TRACK][i % 3],
            target_release=_days(i - 10),
        )
        if i % 2:
            TargetFactory(project=project)
            IdeaFactory(board=BoardFactory(project=project), status="promoted")
        FlagFactory(project=project, severity="critical" if i % 3 else "medium")
        DataGapFactory(project=project)
        RotationFactory(project=project, start=_days(-5), planned_end=_days(30))
        RotationFactory(project=project, start=_days(5), planned_end=_days(30))
        RotationFactory(project=project, person=None, start=_days(5))
        project.members.add(UserFactory())
        activity_record(
            actor=UserFactory(), event=EventType.PROJECT_CREATED, target=project, project=project
        )
        names.append(project.name)
    ProjectFactory(name="Archived away", phase=Phase.ARCHIVED)
    return names


# --- the page ------------------------------------------------------------------------------


def test_the_portfolio_page_shows_each_figure_of_a_row(client, member):
    project = ProjectFactory(
        name="Churn radar", phase=Phase.PROTOTYPE, health=Health.AT_RISK, target_release=_days(-1)
    )
    FlagFactory(project=project, severity="critical", title="Event stream")
    DataGapFactory(project=project)
    RotationFactory(project=project, start=_days(-3), planned_end=_days(30))
    RotationFactory(project=project, start=_days(3), planned_end=_days(30))
    RotationFactory(project=project, person=None, start=_days(3))
    ProjectFactory(name="Calm", target_release=_days(0))
    client.force_login(member)
    html = client.get(reverse("projects:portfolio")).content.decode()
    assert html.index("Churn radar") < html.index("Calm")
    assert html.count("Overdue</span>") == 1
    assert "2 failing for Implementation" in html
    assert "Acknowledge the critical dependency flag “Event stream” before implementation." in html
    assert "2 people" in html and "1 to staff" in html
    flags_url = reverse("flags:project-flags", kwargs={"slug": project.slug})
    assert f'href="{flags_url}">1 open flag</a>' in html
    assert "1 open data gap</a>" in html
    assert f'href="{reverse("projects:portfolio")}"' in html  # the header's nav entry


def test_the_portfolio_page_filters_and_a_bad_filter_is_a_form_error(client, member):
    ProjectFactory(name="Healthy")
    ProjectFactory(name="Shaky", health=Health.OFF_TRACK)
    client.force_login(member)
    html = client.get(reverse("projects:portfolio"), {"health": "off_track"}).content.decode()
    assert "Shaky" in html and "Healthy" not in html
    response = client.get(reverse("projects:portfolio"), {"mine": "perhaps", "has_open": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No projects match these filters." in html
    assert "Select a valid choice. x is not one of the available choices." in html


def test_the_roadmap_shows_projects_today_and_overdue_targets(client, member):
    ProjectFactory(name="Late one", target_release=_days(-1))
    ProjectFactory(name="On time", phase=Phase.RELEASED, target_release=_days(-1))
    client.force_login(member)
    response = client.get(reverse("projects:portfolio-roadmap"), {"back": "3", "ahead": "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Late one" in html and "On time" in html
    assert html.count("Overdue</span>") == 1
    assert f"Today, {_days(0):%-d %b %Y}" in html
    assert f"{_days(0):%b %Y}</span>" in html


def test_pages_and_api_need_a_sign_in(client, api_client):
    assert client.get(reverse("projects:portfolio")).status_code == 302
    assert client.get(reverse("projects:portfolio-roadmap")).status_code == 302
    assert api_client.get("/api/v1/portfolio/").status_code in (401, 403)


# --- the API -------------------------------------------------------------------------------


def test_the_api_lists_the_same_rows_with_every_figure(api_as, member):
    pm = UserFactory(first_name="Maya", last_name="Patel")
    project = ProjectFactory(
        name="Churn radar",
        phase=Phase.RESEARCH,
        health=Health.AT_RISK,
        target_release=_days(-1),
        product_manager=pm,
    )
    FlagFactory(project=project)
    RotationFactory(project=project, start=_days(3), planned_end=_days(30))
    RotationFactory(project=project, person=None, start=_days(3))
    ProjectFactory(name="Archived", phase=Phase.ARCHIVED)
    body = api_as(member).get("/api/v1/portfolio/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["last_activity_at"] is None
    del row["last_activity_at"]
    assert row == {
        "id": project.pk,
        "name": "Churn radar",
        "slug": project.slug,
        "url": project.get_absolute_url(),
        "phase": "research",
        "health": "at_risk",
        "product_manager": pm.pk,
        "product_manager_name": "Maya Patel",
        "target_release": _days(-1).isoformat(),
        "overdue": True,
        "next_phase": "prototype",
        "failing_gates": [
            "Add at least one target or ideal user scenario before leaving research."
        ],
        "team_size": 1,
        "unfilled_demand": 1,
        "open_items": {"flags": 1, "datagaps": 0},
        "last_activity": "",
    }


def test_the_api_takes_the_page_filters_and_refuses_bad_values(api_as, member):
    mine = ProjectFactory(name="Mine")
    mine.members.add(member)
    FlagFactory(project=ProjectFactory(name="Flagged"))
    ProjectFactory(name="Old", phase=Phase.ARCHIVED)
    api = api_as(member)

    def names(**params):
        response = api.get("/api/v1/portfolio/", params)
        assert response.status_code == 200, response.json()
        return sorted(row["name"] for row in response.json()["results"])

    assert names() == ["Flagged", "Mine"]
    assert names(mine="true") == ["Mine"]
    assert names(has_open="flags") == ["Flagged"]
    assert names(phase="archived") == ["Old"]
    response = api.get("/api/v1/portfolio/", {"has_open": "nothing", "overdue": "2"})
    assert response.status_code == 400
    assert set(response.json()) == {"has_open", "overdue"}


# --- query budgets -------------------------------------------------------------------------

# Every page starts with 3: the session, the user and their profile (the role in the header).
PAGE_BUDGETS = {
    # + count, rows (with every count as a subquery), people for the PM filter, and one
    # batched query per gate with a next phase it guards: promoted idea, critical flags
    # (the target gate reads the row's target count)
    "projects:portfolio": 8,
    # + rows, their phase changes, people for the PM filter
    "projects:portfolio-roadmap": 6,
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("url_name", sorted(PAGE_BUDGETS))
def test_page_query_budget(client, manager, django_assert_num_queries, url_name, size):
    names = _portfolio(size)
    client.force_login(manager)
    with django_assert_num_queries(PAGE_BUDGETS[url_name]):
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    missing = [name for name in names if name not in html]
    assert not missing, f"rows not shown: {missing[:10]}"
    assert "Archived away" not in html


@pytest.mark.parametrize("size", SIZES)
def test_api_query_budget(api_as, member, django_assert_num_queries, size):
    names = _portfolio(size)
    api = api_as(member)
    # count, rows, the two batched gates
    with django_assert_num_queries(4):
        response = api.get("/api/v1/portfolio/", {"page_size": 100})
    assert response.status_code == 200
    assert sorted(row["name"] for row in response.json()["results"]) == sorted(names)


@pytest.mark.parametrize("size", SIZES)
def test_the_release_questions_cost_two_fixed_queries_on_the_project_page(
    client, manager, django_assert_num_queries, size
):
    """A project in implementation (releasing is a move): the page's 7 (see the projects
    page budgets) + the suggestion's open counts + the future placeholders' count."""
    project = ProjectFactory(phase=Phase.IMPLEMENTATION, target_release=_days(-1))
    for i in range(size):
        RotationFactory(project=project, person=None, role=f"Later {i}", start=_days(1 + i))
        FlagFactory(project=project)
        DataGapFactory(project=project)
    client.force_login(manager)
    with django_assert_num_queries(10):
        response = client.get(project.get_absolute_url())
    html = response.content.decode()
    assert f"On release, {size} placeholders start later" in html
    assert f"{size} open flags; {size} open data gaps" in html
