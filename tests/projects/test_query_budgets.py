"""Query budgets: every list endpoint and list page of projects, accounts and activity runs
the same number of queries for 5 rows as for 50, and shows the rows.

A failing count means a query was added (often an N+1 in a template or serializer): justify
it and raise the budget, or join it in the selector.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import api_token_create
from activity.models import EventType
from activity.services import activity_record
from tests.factories import (
    IdeaFactory,
    ProjectFactory,
    RotationFactory,
    TakeawayFactory,
    TargetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
SIZES = [5, 50]
API_PAGE = 100  # every row on one page, so the test can check them all


def _today() -> datetime.date:
    return timezone.localdate()


def _ago(days: int) -> datetime.date:
    return _today() - datetime.timedelta(days=days)


def _ahead(days: int) -> datetime.date:
    return _today() + datetime.timedelta(days=days)


# --- API lists -------------------------------------------------------------------------------


def _api_projects(n: int, user) -> list[str]:
    names = []
    for i in range(n):
        project = ProjectFactory(name=f"Budget project {i:02}")
        TargetFactory(project=project)
        RotationFactory(project=project)
        RotationFactory(project=project, person=None)
        project.members.add(UserFactory())
        names.append(project.name)
    return names


def _api_rotations(n: int, user) -> list[int]:
    return [RotationFactory(role=f"Role {i:02}").pk for i in range(n)]


def _api_targets(n: int, user) -> list[int]:
    project = ProjectFactory()
    return [TargetFactory(project=project if i % 2 else ProjectFactory()).pk for i in range(n)]


def _api_takeaways(n: int, user) -> list[int]:
    return [
        TakeawayFactory(
            project=ProjectFactory(), rotation=RotationFactory(), author=UserFactory()
        ).pk
        for i in range(n)
    ]


def _api_people(n: int, user) -> list[str]:
    return [UserFactory(username=f"budget-{i:02}").username for i in range(n)]


def _api_activity(n: int, user) -> list[int]:
    ids = []
    for _ in range(n):
        project = ProjectFactory()
        ids.append(
            activity_record(
                actor=UserFactory(),
                event=EventType.PROJECT_UPDATED,
                target=project,
                project=project,
            ).pk
        )
    return ids


def _api_tokens(n: int, user) -> list[str]:
    return [api_token_create(user=user, name=f"job {i:02}", actor=user)[0].name for i in range(n)]


API_LISTS = {
    # endpoint: (rows builder, the row field to compare, budget)
    "projects": (_api_projects, "name", 3),  # count, rows, members (prefetch)
    "rotations": (_api_rotations, "id", 2),
    "targets": (_api_targets, "id", 2),
    "takeaways": (_api_takeaways, "id", 2),
    "people": (_api_people, "username", 2),
    "activity": (_api_activity, "id", 2),
    "tokens": (_api_tokens, "name", 2),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("endpoint", sorted(API_LISTS))
def test_api_list_query_budget(api_as, member, django_assert_num_queries, endpoint, size):
    build, field, budget = API_LISTS[endpoint]
    expected = build(size, member)
    api = api_as(member)
    with django_assert_num_queries(budget):
        response = api.get(f"/api/v1/{endpoint}/", {"page_size": API_PAGE})
    assert response.status_code == 200
    body = response.json()
    shown = [row[field] for row in body["results"]]
    assert len(shown) == body["count"] < API_PAGE
    missing = set(expected) - set(shown)
    assert not missing, f"rows not listed: {missing}"


# --- pages -----------------------------------------------------------------------------------


def _names_in(html: str, names: list[str]) -> list[str]:
    return [name for name in names if name in html]


def _page_project_list(n: int, user) -> tuple[str, list[str]]:
    return reverse("projects:project-list"), _api_projects(n, user)


def _page_team(n: int, user) -> tuple[str, list[str]]:
    project = ProjectFactory(name="Team budget")
    names = []
    for i in range(n):
        kind = i % 3
        person = UserFactory(first_name=f"Teamer{i:02}", last_name="X")
        if kind == 0:  # current
            RotationFactory(project=project, person=person, start=_ago(10), planned_end=_ahead(90))
        elif kind == 1:  # planned
            RotationFactory(
                project=project, person=person, start=_ahead(10), planned_end=_ahead(90)
            )
        else:  # past
            RotationFactory(project=project, person=person, start=_ago(90), planned_end=_ago(10))
        RotationFactory(project=project, person=None, role=f"Opening {i:02}")
        project.members.add(UserFactory(first_name=f"Member{i:02}", last_name="Y"))
        names += [f"Teamer{i:02} X", f"Opening {i:02}", f"Member{i:02} Y"]
    return reverse("projects:project-team", kwargs={"slug": project.slug}), names


def _page_timeline(n: int, user) -> tuple[str, list[str]]:
    project = ProjectFactory(name="Timeline budget")
    for i in range(n):
        activity_record(
            actor=UserFactory(first_name=f"Actor{i:02}", last_name="Z"),
            event=EventType.TARGET_CREATED,
            target=TargetFactory(project=project, text=f"Target text {i:02}"),
            project=project,
        )
    names = [f"Actor{i:02} Z" for i in range(n)] + [f"Target text {i:02}" for i in range(n)]
    return reverse("projects:project-timeline", kwargs={"slug": project.slug}), names


def _page_takeaways(n: int, user) -> tuple[str, list[str]]:
    titles = [
        TakeawayFactory(
            title=f"Takeaway title {i:02}", project=ProjectFactory(), rotation=RotationFactory()
        ).title
        for i in range(n)
    ]
    return reverse("projects:takeaway-list"), titles[-20:]  # newest first, 20 a page


def _page_staffing(n: int, user) -> tuple[str, list[str]]:
    names = []
    for i in range(n):
        person = UserFactory(first_name=f"Staffed{i:02}", last_name="W")
        RotationFactory(person=person, start=_ago(20 + i), planned_end=_ahead(30 + i))
        RotationFactory(person=person, start=_ahead(40), planned_end=_ahead(60), allocation=60)
        RotationFactory(person=None, role=f"Wanted {i:02}", start=_ahead(i), planned_end=_ahead(50))
        names += [f"Staffed{i:02} W", f"Wanted {i:02}"]
    return reverse("projects:staffing"), names


def _page_dashboard(n: int, user) -> tuple[str, list[str]]:
    """Every panel grows: my projects and rotations, rolling off, unfilled, takeaways due,
    and the research panel's ideas (its own budget is elsewhere; the page total is here)."""
    names = []
    for i in range(n):
        project = ProjectFactory(name=f"Mine {i:02}")
        project.members.add(user)
        TargetFactory(project=project)
        RotationFactory(
            project=project,
            person=user,
            role=f"My role {i:02}",
            start=_ago(5),
            planned_end=_ahead(100),
            allocation=1,
        )
        ended = RotationFactory(person=user, start=_ago(100), planned_end=_ago(50))
        ended.takeaway_requested_at = timezone.now()
        ended.save(update_fields=["takeaway_requested_at"])
        RotationFactory(
            person=UserFactory(first_name=f"Leaving{i:02}", last_name="V"),
            start=_ago(30),
            planned_end=_ahead(i % 14),
        )
        RotationFactory(person=None, role=f"Unfilled {i:02}", start=_ahead(1 + i))
        IdeaFactory(owner=user, title=f"My idea {i:02}")
        names += [f"Mine {i:02}", f"My role {i:02}", ended.project.name]
    # The research panel shows the 10 latest ideas; rolling off and unfilled the first 20.
    names += [f"My idea {i:02}" for i in range(max(n - 10, 0), n)]
    names += [f"Leaving{i:02} V" for i in range(n) if i % 14 < 5]  # the 20 ending soonest
    names += [f"Unfilled {i:02}" for i in range(min(n, 20))]
    return reverse("dashboard"), names


def _page_tokens(n: int, user) -> tuple[str, list[str]]:
    return reverse("api-token"), _api_tokens(n, user)


# Every page starts with 3: the session, the user and their profile (the role in the header).
PAGES = {
    # page: (rows builder, budget)
    # Project pages add one query per slice that marks projects (open flags' badges).
    "project-list": (_page_project_list, 7),  # + count, projects, people for the filter
    "project-team": (_page_team, 7),  # + project, rotations, team
    "project-timeline": (_page_timeline, 7),  # + project, count, events
    "takeaway-list": (_page_takeaways, 7),  # + count, takeaways, projects and people to filter
    "staffing": (_page_staffing, 8),  # + people with weekly sums, rotations, placeholders,
    # rolling off, and the projects of the project filter
    "dashboard": (_page_dashboard, 17),  # + takeaways due, my projects, my rotations,
    # rolling off, unfilled, the research panel: my ideas, my tasks, tasks to claim on my
    # projects, the data-gaps panel of a manager (who triages): assigned to me, untriaged,
    # overdue, my open requests, and the flags panel: flags I own, unacknowledged flags on
    # my projects
    "api-tokens": (_page_tokens, 4),  # + the tokens
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_query_budget(client, manager, django_assert_num_queries, page, size):
    build, budget = PAGES[page]
    url, names = build(size, manager)
    client.force_login(manager)
    with django_assert_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    missing = [name for name in names if name not in html]
    assert not missing, f"rows not shown on {page}: {missing[:10]}"
