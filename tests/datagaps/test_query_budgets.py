"""Query budgets of the data-gap lists: the same exact count at 5 and 50 rows, with the rows
really rendered. A new query per row (an N+1) fails these tests; a new query per request
must be justified by updating the count and its comment."""

import pytest

from tests.factories import DataGapFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

SIZES = [5, 50]


def _requests(n: int, engineer) -> list:
    projects = [ProjectFactory(), ProjectFactory()]
    people = [UserFactory(), UserFactory()]
    gaps = []
    for i in range(n):
        gap = DataGapFactory(
            project=projects[i % 2], requester=people[i % 2], assignee=engineer,
            title=f"Clickstream events per session {i}", data_needed="Clicks per session.",
        )  # fmt: skip
        gap.watchers.add(people[(i + 1) % 2])
        gaps.append(gap)
    return gaps


@pytest.mark.parametrize("size", SIZES)
def test_queue_page(client, dataeng, size, django_assert_num_queries):
    _requests(size, dataeng)
    client.force_login(dataeng)
    # session, user, profile (role); the filter form's projects and two people selects; the
    # bulk form's people select; the page's count and rows (with project and people)
    with django_assert_num_queries(9):
        response = client.get("/data-gaps/")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == size
    assert response.content.count(b'name="requests"') == size


@pytest.mark.parametrize("size", SIZES)
def test_list_api(api_as, viewer, dataeng, size, django_assert_num_queries):
    _requests(size, dataeng)
    api = api_as(viewer)
    # count, requests with project and people, their watchers, their duplicates
    with django_assert_num_queries(4):
        response = api.get("/api/v1/data-gaps/?page_size=100")
    results = response.json()["results"]
    assert len(results) == size and all(len(row["watchers"]) == 1 for row in results)


@pytest.mark.parametrize("size", SIZES)
def test_recurring_page_and_api(client, api_as, dataeng, size, django_assert_num_queries):
    _requests(size, dataeng)
    client.force_login(dataeng)
    # session, user, profile (role); the requests' words; the groups' members with projects
    # and people
    with django_assert_num_queries(5):
        response = client.get("/data-gaps/recurring/")
    assert response.status_code == 200
    (group,) = response.context["groups"]
    assert group.count == size
    api = api_as(dataeng)
    with django_assert_num_queries(2):
        groups = api.get("/api/v1/data-gaps/recurring/").json()
    assert [g["count"] for g in groups] == [size]
