"""Query budgets of the flags pages and endpoints: the same count for 5 and 50 rows.

Every page starts with 3 queries: the session, the user and their profile.
"""

import pytest
from django.urls import reverse

from flags import services
from tests.factories import BoardFactory, IdeaFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

SIZES = [5, 50]


def _flags(n: int, project=None, ideas=None):
    project = project or ProjectFactory()
    raiser = UserFactory()
    owners = [UserFactory() for _ in range(3)]
    for i in range(n):
        idea = ideas[i % len(ideas)] if ideas else None
        services.flag_raise(
            project=project if not idea else idea.board.project,
            idea=idea,
            title=f"Flag {i}",
            severity=["low", "high", "critical"][i % 3],
            owner=owners[i % 3],
            actor=raiser,
        )
    return project


@pytest.mark.parametrize("size", SIZES)
def test_flag_list_page(client, viewer, size, django_assert_num_queries):
    _flags(size)
    client.force_login(viewer)
    # + count, flags with project/idea/people, projects and people for the filter form
    with django_assert_num_queries(7):
        page = client.get(reverse("flags:flag-list")).content.decode()
    assert page.count('<tr class="flag-row">') == size


@pytest.mark.parametrize("size", SIZES)
def test_project_flags_tab(client, viewer, size, django_assert_num_queries):
    project = _flags(size)
    client.force_login(viewer)
    # + project, header badges, count, flags, people for the filter form
    with django_assert_num_queries(8):
        page = client.get(reverse("flags:project-flags", args=[project.slug])).content.decode()
    assert page.count('<tr class="flag-row">') == size


@pytest.mark.parametrize("size", SIZES)
def test_flag_list_api(api_as, viewer, size, django_assert_num_queries):
    _flags(size)
    # user's profile (session auth via force_authenticate), count, flags
    with django_assert_num_queries(2):
        response = api_as(viewer).get("/api/v1/flags/")
    assert len(response.json()["results"]) == size


@pytest.mark.parametrize("size", SIZES)
def test_stats_api_and_page(client, api_as, viewer, size, django_assert_num_queries):
    _flags(size)
    with django_assert_num_queries(1):
        assert api_as(viewer).get("/api/v1/flags/stats/").json()["raised"]["total"] == size
    client.force_login(viewer)
    # + the period's flags, projects for the form
    with django_assert_num_queries(5):
        client.get(reverse("flags:flag-stats"))


@pytest.mark.parametrize("size", SIZES)
def test_board_with_flagged_cards(client, viewer, size, django_assert_num_queries):
    board = BoardFactory()
    ideas = [IdeaFactory(board=board) for _ in range(size)]
    _flags(size, ideas=ideas)
    client.force_login(viewer)
    # session, user, profile, board, ideas, progress, metrics, funnel, card badges
    with django_assert_num_queries(9):
        page = client.get(board.get_absolute_url()).content.decode()
    assert page.count("1 open flag ·") == size


@pytest.mark.parametrize("size", SIZES)
def test_engineer_dashboard_with_flags(client, size, django_assert_num_queries):
    engineer = UserFactory()
    project = ProjectFactory(product_manager=engineer)
    raiser = UserFactory()
    for i in range(size):
        services.flag_raise(project=project, title=f"F{i}", owner=engineer, actor=raiser)
    client.force_login(engineer)
    client.get(reverse("dashboard"))  # warm per-process caches
    # the dashboard budget of tests/projects for a member: no manager's data-gap queue, but
    # their own open requests; + the research panel's tasks to claim on their projects
    with django_assert_num_queries(14):
        page = client.get(reverse("dashboard")).content.decode()
    assert page.count('href="/flags/') >= 10
