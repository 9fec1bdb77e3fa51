"""The header search: each provider ranks a title match above a body match and shows only
what the user may see, the portable fallback does the same, the query's limits, the API's
answers and the page and API query budgets (one query per provider)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.registries import search_providers
from core.search import (
    MAX_QUERY_LENGTH,
    search_query_clean,
    search_run,
    snippet,
    text_search_portable,
)
from datagaps.models import DataGap
from datagaps.search import DATAGAP_BODY, DATAGAP_TITLE, datagap_search
from flags.models import Flag
from flags.search import FLAG_BODY, FLAG_TITLE, flag_search
from projects.models import Project, Takeaway
from projects.search import (
    PROJECT_BODY,
    PROJECT_TITLE,
    TAKEAWAY_BODY,
    TAKEAWAY_TITLE,
    person_search,
    project_search,
    takeaway_search,
)
from research.models import Board, Idea
from research.search import (
    BOARD_BODY,
    BOARD_TITLE,
    IDEA_BODY,
    IDEA_TITLE,
    board_search,
    idea_search,
)
from tests.factories import (
    BoardFactory,
    DataGapFactory,
    FlagFactory,
    IdeaFactory,
    ProjectFactory,
    TakeawayFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

WORD = "quokka"  # a word no factory writes


def _someone():
    """A person without a usable password: hashing one costs a second on a busy machine."""
    return UserFactory(password="!")


def _project(title: str, body: str, pm=None):
    return ProjectFactory(
        name=title, summary=body, customer_value="", product_manager=pm or _someone()
    )


def _board(title: str, body: str, project=None):
    return BoardFactory(title=title, question=body, project=project or _project("P", ""))


def _idea(title: str, body: str, board=None, owner=None):
    return IdeaFactory(
        title=title, hypothesis=body, board=board or _board("B", ""), owner=owner or _someone()
    )


def _takeaway(title: str, body: str, author=None):
    return TakeawayFactory(title=title, text=body, tags="", author=author or _someone())


def _datagap(title: str, body: str, project=None, requester=None):
    return DataGapFactory(
        title=title,
        data_needed=body,
        project=project or _project("P", ""),
        requester=requester or _someone(),
    )


def _flag(title: str, body: str, project=None, raised_by=None):
    return FlagFactory(
        title=title,
        description=body,
        project=project or _project("P", ""),
        raised_by=raised_by or _someone(),
    )


# (type, provider, make(title, body, i), model, title fields, body fields) — pinned here,
# not read from the registry under test.
PROVIDERS = [
    ("projects", project_search, _project, Project, PROJECT_TITLE, PROJECT_BODY),
    ("boards", board_search, _board, Board, BOARD_TITLE, BOARD_BODY),
    ("ideas", idea_search, _idea, Idea, IDEA_TITLE, IDEA_BODY),
    ("takeaways", takeaway_search, _takeaway, Takeaway, TAKEAWAY_TITLE, TAKEAWAY_BODY),
    ("data-gaps", datagap_search, _datagap, DataGap, DATAGAP_TITLE, DATAGAP_BODY),
    ("flags", flag_search, _flag, Flag, FLAG_TITLE, FLAG_BODY),
]
IDS = [p[0] for p in PROVIDERS]


def test_the_registry_holds_every_kind_in_order():
    assert [(p.key, p.label) for p in search_providers()] == [
        ("projects", "Projects"),
        ("boards", "Boards"),
        ("ideas", "Ideas"),
        ("takeaways", "Takeaways"),
        ("people", "People"),
        ("data-gaps", "Data gaps"),
        ("flags", "Flags"),
    ]


@pytest.mark.parametrize(("key", "search", "make", "model", "title", "body"), PROVIDERS, ids=IDS)
def test_a_title_match_ranks_above_a_body_match(key, search, make, model, title, body, member):
    # The body match is newer (a higher id), so only the rank can put the title match first.
    in_title = make(f"Forecast the {WORD} season", "Nothing to see.")
    in_body = make("Forecast demand", f"Counts every {WORD} in the park.")
    make("Unrelated", "Nothing here either.")
    hits = search(member, WORD, 10)
    assert [hit.title for hit in hits] == [in_title_title(in_title), in_title_title(in_body)]
    assert hits[0].rank > hits[1].rank
    assert hits[0].url == in_title.get_absolute_url()


def in_title_title(obj) -> str:
    return getattr(obj, "title", None) or obj.name


@pytest.mark.parametrize(("key", "search", "make", "model", "title", "body"), PROVIDERS, ids=IDS)
def test_every_word_must_match_each_as_a_prefix(key, search, make, model, title, body, member):
    both = make(f"{WORD} migration routes", "")
    make(f"{WORD} diet", "")
    assert [hit.title for hit in search(member, f"{WORD[:4]} migr", 10)] == [in_title_title(both)]


@pytest.mark.parametrize(("key", "search", "make", "model", "title", "body"), PROVIDERS, ids=IDS)
def test_no_results_for_someone_not_signed_in_or_deactivated(
    key, search, make, model, title, body, member
):
    make(f"The {WORD} project", "")
    assert len(search(member, WORD, 10)) == 1
    assert search(AnonymousUser(), WORD, 10) == []
    gone = UserFactory(is_active=False, password="!")
    assert search(gone, WORD, 10) == []


@pytest.mark.parametrize(("key", "search", "make", "model", "title", "body"), PROVIDERS, ids=IDS)
def test_the_portable_fallback_ranks_title_matches_first(
    key, search, make, model, title, body, member
):
    """The SQLite path, called directly (it runs on PostgreSQL too)."""
    in_title = make(f"Forecast the {WORD} season", "Nothing to see.")
    in_body = make("Forecast demand", f"Counts every {WORD.upper()} in the park.")
    make("Unrelated", "Nothing here either.")
    make(f"Un{WORD}like", f"Counts every un{WORD}.")  # inside a word: not a prefix, no match
    make(f"É{WORD}", f"Ü{WORD}")  # after a letter of another script: inside a word too
    found = text_search_portable(model.objects.all(), title=title, body=body, query=WORD, limit=10)
    assert [obj.pk for obj in found] == [in_title.pk, in_body.pk]
    assert [obj.search_rank for obj in found] == [2.0, 1.0]
    both = text_search_portable(
        model.objects.all(), title=title, body=body, query=f"{WORD} demand", limit=10
    )
    assert [obj.pk for obj in both] == [in_body.pk]


def test_people_by_name_and_username_active_only(member):
    shown = UserFactory(username="jdoe", first_name="Quokka", last_name="Smith", password="!")
    UserFactory(
        username="gone", first_name="Quokka", last_name="Jones", is_active=False, password="!"
    )
    by_username = UserFactory(username="quokkafan", first_name="Ann", last_name="Lee", password="!")
    hits = person_search(member, "quokka", 10)
    assert {hit.title for hit in hits} == {"Quokka Smith", "Ann Lee"}
    assert {hit.url for hit in hits} == {
        f"/projects/?person={shown.pk}",
        f"/projects/?person={by_username.pk}",
    }
    assert person_search(AnonymousUser(), "quokka", 10) == []


def test_people_fallback_finds_the_same(member):
    UserFactory(username="jdoe", first_name="Quokka", last_name="Smith", password="!")
    from django.contrib.auth.models import User

    found = text_search_portable(
        User.objects.filter(is_active=True),
        title=["first_name", "last_name", "username"],
        body=[],
        query="quokka smi",
        limit=5,
    )
    assert [user.username for user in found] == ["jdoe"]


def test_the_search_index_serves_the_query():
    """The GIN index is on the very expression the search filters on (else the planner
    could never use it): with sequential scans priced out, the plan names the index."""
    _idea(f"{WORD} idea", "")
    with CaptureQueriesContext(connection) as captured:
        idea_search(_someone(), WORD, 5)
    sql = captured.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "idea_search" in plan


# --- the query and the snippet ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Type something to search for."),
        ("   ", "Type something to search for."),
        ("!!", "Search for words or numbers."),
        ("x" * (MAX_QUERY_LENGTH + 1), "Search for at most 200 characters (this is 201)."),
    ],
)
def test_refused_queries(raw, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        search_query_clean(raw)
    assert error.value.message_dict == {"q": [message]}


def test_a_query_of_the_longest_length_is_accepted():
    assert search_query_clean("x" * MAX_QUERY_LENGTH) == "x" * MAX_QUERY_LENGTH
    assert search_query_clean("  churn   model ") == "churn model"


def test_snippet_is_cut_around_the_first_match_without_markdown():
    text = "# Title\n\n" + "word " * 60 + "the **quokka** hops. " + "tail " * 60
    cut = snippet(text, "quokka")
    assert "quokka" in cut and "*" not in cut and "#" not in cut
    assert cut.startswith("…") and cut.endswith("…")
    assert len(cut) <= 170
    assert snippet("Short text.", "x") == "Short text."


# --- the run, the API and the page -----------------------------------------------------------


def _one_of_each(word: str, n: int = 1) -> None:
    someone = _someone()
    project = ProjectFactory(name="Host", product_manager=someone)
    board = BoardFactory(title="Host board", project=project)
    for i in range(n):
        _project(f"{word} project {i}", "", someone)
        _board(f"{word} board {i}", "", project)
        _idea(f"{word} idea {i}", "It will help.", board, someone)
        _takeaway(f"{word} takeaway {i}", "", someone)
        UserFactory(username=f"{word}{i}", password="!")
        _datagap(f"{word} gap {i}", "", project, someone)
        _flag(f"{word} flag {i}", "", project, someone)


def test_search_run_groups_every_kind_in_order(member):
    _one_of_each(WORD)
    groups = search_run(member, WORD)
    assert [group.key for group in groups] == [
        "projects", "boards", "ideas", "takeaways", "people", "data-gaps", "flags",
    ]  # fmt: skip
    assert all(len(group.hits) == 1 for group in groups)
    assert search_run(AnonymousUser(), WORD) == []


def test_api_answers_results_with_type_title_snippet_url(api_as, viewer):
    _one_of_each(WORD)
    response = api_as(viewer).get("/api/v1/search/", {"q": WORD})
    assert response.status_code == 200
    body = response.json()
    assert body["q"] == WORD and body["count"] == 7
    assert [hit["type"] for hit in body["results"]] == [
        "projects", "boards", "ideas", "takeaways", "people", "data-gaps", "flags",
    ]  # fmt: skip
    idea = Idea.objects.get(title=f"{WORD} idea 0")
    assert {
        "type": "ideas",
        "type_label": "Ideas",
        "title": idea.title,
        "snippet": "It will help.",
        "url": f"/research/ideas/{idea.pk}/",
        "detail": f"Proposed · {idea.board.title}",
    } in body["results"]


def test_api_type_filter(api_as, viewer):
    _one_of_each(WORD)
    body = api_as(viewer).get("/api/v1/search/", {"q": WORD, "type": "flags"}).json()
    assert [hit["title"] for hit in body["results"]] == [f"{WORD} flag 0"]


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({}, {"q": ["Type something to search for."]}),
        ({"q": ""}, {"q": ["Type something to search for."]}),
        ({"q": "x" * 201}, {"q": ["Search for at most 200 characters (this is 201)."]}),
        (
            {"q": "churn", "type": "readings"},
            {
                "type": [
                    "Choose one of: projects, boards, ideas, takeaways, people, data-gaps, flags."
                ]
            },
        ),
    ],
)
def test_api_refuses_bad_queries_with_400(api_as, viewer, params, errors):
    response = api_as(viewer).get("/api/v1/search/", params)
    assert response.status_code == 400
    assert response.json() == errors


def test_api_needs_sign_in(api_client):
    assert api_client.get("/api/v1/search/", {"q": "churn"}).status_code == 401


@pytest.mark.parametrize("n", [5, 50])
def test_api_query_budget(api_as, viewer, django_assert_num_queries, n):
    _one_of_each(WORD, n)
    api = api_as(viewer)
    # One query per provider (7); force_authenticate needs no session or user query.
    with django_assert_num_queries(7):
        body = api.get("/api/v1/search/", {"q": WORD}).json()
    assert body["count"] == 7 * 5


@pytest.mark.parametrize("n", [5, 50])
def test_page_query_budget(client, viewer, django_assert_num_queries, n):
    _one_of_each(WORD, n)
    client.force_login(viewer)
    # Session, user, profile (the header's role badge), then one query per provider (7).
    with django_assert_num_queries(10):
        response = client.get(reverse("search"), {"q": WORD})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="search-group"') == 7
    assert f"<mark>{WORD}</mark> idea" in page
    assert "35 results for" in page


def test_page_groups_and_links_results(client, viewer):
    idea = _idea(f"A {WORD} idea", "Rank them.")
    client.force_login(viewer)
    page = client.get(reverse("search"), {"q": WORD}).content.decode()
    assert '<h2 id="search-group-ideas">Ideas <small>(1)</small></h2>' in page
    assert f'href="/research/ideas/{idea.pk}/"' in page
    assert "1 result for" in page


def test_page_shows_refusals_and_nothing_found(client, viewer):
    client.force_login(viewer)
    long = client.get(reverse("search"), {"q": "x" * 201})
    assert long.status_code == 200
    assert "Search for at most 200 characters (this is 201)." in long.content.decode()
    none = client.get(reverse("search"), {"q": "zzzzqqq"}).content.decode()
    assert "Nothing matches “zzzzqqq”." in none
    empty = client.get(reverse("search")).content.decode()
    assert "Nothing matches" not in empty and "errorlist" not in empty


def test_page_needs_sign_in(client):
    response = client.get(reverse("search"), {"q": "churn"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_schema_states_q_and_type_as_the_server_checks_them(api_as, viewer):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/search/"]["get"]["parameters"]}
    assert parameters["q"]["required"] is True
    assert parameters["q"]["schema"] == {"type": "string", "minLength": 1, "maxLength": 200}
    assert sorted(parameters["type"]["schema"]["enum"]) == sorted(
        ["", "projects", "boards", "ideas", "takeaways", "people", "data-gaps", "flags"]
    )
    api = api_as(viewer)
    # An empty type (a form's "every kind") is no filter, as the enum's "" says.
    assert api.get("/api/v1/search/", {"q": "x", "type": ""}).json()["type"] == ""
    # The length is the typed one, spaces included: 200 passes, 201 does not.
    assert api.get("/api/v1/search/", {"q": " " * 199 + "x"}).status_code == 200
    assert api.get("/api/v1/search/", {"q": " " * 200 + "x"}).status_code == 400


def test_a_hit_says_only_the_context_it_has(member):
    author = UserFactory(first_name="Ada", last_name="Byron", password="!")
    TakeawayFactory(title=f"{WORD} lesson", text="", tags="", author=author, project=None)
    (hit,) = takeaway_search(member, WORD, 5)
    assert hit.detail == "Ada Byron"  # no project: no dangling separator
