"""The schema and the server agree, rule by rule, for what the fuzzer found (issue 12).

Each test pins a documented behaviour from both sides: what the schema says and what the
server does, on both sides of each boundary. The fuzz run (test_schemathesis.py) finds new
disagreements; these keep the ones it found fixed, fast and without a live server.
"""

import pytest
from drf_spectacular.generators import SchemaGenerator

from research.models import Reading, Task
from tests.factories import BoardFactory, IdeaFactory, MetricFactory, ProjectFactory

pytestmark = pytest.mark.django_db

RESEARCH = ("boards", "metrics", "ideas", "readings", "tasks")


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _parameter(schema: dict, path: str, name: str, method: str = "get") -> dict:
    return next(p for p in schema["paths"][path][method]["parameters"] if p["name"] == name)


# --- pagination (core/api/pagination.py) -----------------------------------------------------


def test_the_schema_says_page_and_page_size_are_whole_numbers_from_1(schema):
    for name in ("page", "page_size"):
        parameter = _parameter(schema, "/api/v1/ideas/", name)
        assert parameter["schema"] == {"type": "integer", "minimum": 1}
        assert "allowEmptyValue" not in parameter


@pytest.mark.parametrize("value", ["null", "0", "-1", "abc", "", "1.5", "٣"])
def test_a_page_size_that_is_not_a_whole_number_from_1_is_a_400(api_as, viewer, value):
    response = api_as(viewer).get("/api/v1/boards/", {"page_size": value})
    assert response.status_code == 400, response.content
    assert response.json() == {"page_size": ["Enter a whole number of at least 1."]}


def test_page_size_1_is_one_row_and_more_than_500_is_500(api_as, viewer):
    BoardFactory.create_batch(3)
    api = api_as(viewer)
    assert len(api.get("/api/v1/boards/", {"page_size": "1"}).json()["results"]) == 1
    assert len(api.get("/api/v1/boards/", {"page_size": "100000"}).json()["results"]) == 3


@pytest.mark.parametrize("value", ["0", "-3", "abc", "", "last", "3"])
def test_a_page_that_is_not_a_whole_number_from_1_or_past_the_end_is_a_404(api_as, viewer, value):
    BoardFactory.create_batch(3)
    response = api_as(viewer).get("/api/v1/boards/", {"page": value, "page_size": "2"})
    assert response.status_code == 404, response.content
    assert response["Content-Type"] == "application/json"


def test_page_2_is_the_last_page(api_as, viewer):
    BoardFactory.create_batch(3)
    response = api_as(viewer).get("/api/v1/boards/", {"page": "2", "page_size": "2"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


# --- research list filters (research/filters.py, core/filters.py) -----------------------------


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/boards/", "project"),
        ("/api/v1/metrics/", "board"),
        ("/api/v1/ideas/", "board"),
        ("/api/v1/ideas/", "owner"),
        ("/api/v1/readings/", "idea"),
        ("/api/v1/tasks/", "idea__board"),
    ],
)
def test_an_unknown_id_filters_to_nothing_and_the_schema_gives_the_id_range(
    api_as, viewer, schema, path, name
):
    parameter = _parameter(schema, path, name)
    assert parameter["schema"]["type"] == "integer"
    assert (parameter["schema"]["minimum"], parameter["schema"]["maximum"]) == (-(2**63), 2**63 - 1)
    assert parameter["allowEmptyValue"] is True
    api = api_as(viewer)
    for inside in ("0", "-5", str(2**63 - 1), str(-(2**63))):
        response = api.get(path, {name: inside})
        assert response.status_code == 200, (inside, response.content)
        assert response.json()["count"] == 0
    for outside in (str(2**63), str(-(2**63) - 1), "abc"):
        assert api.get(path, {name: outside}).status_code == 400, outside


def test_an_empty_filter_is_no_filter(api_as, viewer):
    IdeaFactory.create_batch(2)
    api = api_as(viewer)
    everything = api.get("/api/v1/ideas/").json()["count"]
    empty = {"board": "", "owner": "", "status": "", "maturity": "", "board__project__slug": ""}
    assert api.get("/api/v1/ideas/", empty).json()["count"] == everything == 2


def test_done_takes_true_or_false_only(api_as, viewer, schema):
    assert _parameter(schema, "/api/v1/tasks/", "done")["schema"] == {"type": "boolean"}
    for done in (True, False):
        Task.objects.create(idea=IdeaFactory(), title=f"Done: {done}", done=done, position=1)
    api = api_as(viewer)
    assert api.get("/api/v1/tasks/", {"done": "true"}).json()["count"] == 1
    assert api.get("/api/v1/tasks/", {"done": "false"}).json()["count"] == 1
    assert api.get("/api/v1/tasks/", {"done": ""}).json()["count"] == 2
    for value in ("-58800", "1", "0", "yes", "unknown"):
        response = api.get("/api/v1/tasks/", {"done": value})
        assert response.status_code == 400, value
        assert response.json() == {"done": ["Enter true or false."]}


def test_text_filters_refuse_nul_and_the_schema_says_so(api_as, viewer, schema):
    parameter = _parameter(schema, "/api/v1/readings/", "source")
    assert parameter["schema"] == {"type": "string", "pattern": "^[^\\u0000]*$"}
    response = api_as(viewer).get("/api/v1/readings/", {"source": "run\x007"})
    assert response.status_code == 400
    assert response.json() == {"source": ["Null characters are not allowed."]}


def test_the_schema_documents_that_empty_since_is_no_filter(schema):
    since = _parameter(schema, "/api/v1/activity/", "since")
    assert since["allowEmptyValue"] is True
    assert since["schema"]["format"] == "date-time"
    assert since["schema"]["pattern"].startswith("^(19[0-9]{2}|")


def test_since_empty_lists_everything(api_as, viewer):
    ProjectFactory()
    api = api_as(viewer)
    assert api.get("/api/v1/activity/", {"since": ""}).json() == api.get("/api/v1/activity/").json()


# --- since_days and weeks -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "name", "maximum"),
    [("/api/v1/ideas/", "since_days", 365), ("/api/v1/boards/{id}/funnel/", "weeks", 52)],
)
def test_day_and_week_counts_are_bounded_whole_numbers(api_as, viewer, schema, path, name, maximum):
    parameter = _parameter(schema, path, name)
    assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": maximum}
    url = path.replace("{id}", str(IdeaFactory().board_id))
    api = api_as(viewer)
    for good in ("1", str(maximum)):
        assert api.get(url, {name: good}).status_code == 200, good
    for bad in ("0", str(maximum + 1), "abc", "", "-1", "٣"):
        response = api.get(url, {name: bad})
        assert response.status_code == 400, bad
        assert response.json() == {name: [f"Enter a whole number from 1 to {maximum}."]}


# --- documented answers of the research operations ---------------------------------------


def test_every_research_operation_documents_its_error_answers(schema):
    for path, item in schema["paths"].items():
        if not path.startswith(tuple(f"/api/v1/{name}/" for name in RESEARCH)):
            continue
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path, codes)
            if "{id}" in path:
                assert "404" in codes, (method, path)
                assert _parameter(schema, path, "id", method)["schema"]["type"] == "integer"
            if method == "get" and "{id}" not in path:
                assert {"400", "404"} <= codes, (method, path)  # bad filter, past the last page
            if method in {"post", "patch"}:
                assert "400" in codes, (method, path)


def test_transition_documents_that_dropping_needs_a_reason(api_as, manager, schema):
    reason = schema["components"]["schemas"]["TransitionRequest"]["properties"]["reason"]
    assert "Required (not blank) when ``to`` is ``dropped``" in reason["description"]
    idea = IdeaFactory(owner=manager)
    api = api_as(manager)
    response = api.post(f"/api/v1/ideas/{idea.pk}/transition/", {"to": "dropped"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason": ["Give a reason for dropping the idea."]}
    response = api.post(
        f"/api/v1/ideas/{idea.pk}/transition/",
        {"to": "dropped", "reason": "No data"},
        format="json",
    )
    assert response.status_code == 200


def test_the_readings_400_is_one_schema(schema):
    operation = schema["paths"]["/api/v1/readings/"]["post"]
    body = operation["responses"]["400"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ReadingErrors"}
    errors = schema["components"]["schemas"]["ReadingErrors"]
    assert errors["properties"]["errors"]["items"] == {"$ref": "#/components/schemas/ReadingError"}
    components = schema["components"]["schemas"]
    assert components["ReadingInputRequest"]["oneOf"] == [
        {"$ref": "#/components/schemas/ReadingCreateRequest"},
        {"$ref": "#/components/schemas/ReadingBatchRequest"},
    ]
    assert components["ReadingBatchRequest"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/ReadingCreateRequest"},
        "minItems": 1,
        "maxItems": 10_000,
    }


# --- readings: one rule for the single and the bulk path ---------------------------------


@pytest.fixture
def reading_target(member):
    idea = IdeaFactory(owner=member)
    return idea, MetricFactory(board=idea.board)


def _post(api, target: tuple, bulk: bool, **fields):
    idea, metric = target
    item = {"idea": idea.pk, "metric": metric.pk, "value": 0.5, **fields}
    return api.post("/api/v1/readings/", [item] if bulk else item, format="json")


@pytest.mark.parametrize("bulk", [False, True], ids=["single", "bulk"])
def test_null_or_blank_optional_fields_take_their_defaults(api_as, member, reading_target, bulk):
    api = api_as(member)
    assert (
        _post(api, reading_target, bulk, source="", note=None, recorded_at=None).status_code == 201
    )
    assert _post(api, reading_target, bulk, source=None).status_code == 201
    assert _post(api, reading_target, bulk, source="  ").status_code == 201
    assert set(Reading.objects.values_list("source", "note")) == {("api", "")}


@pytest.mark.parametrize("bulk", [False, True], ids=["single", "bulk"])
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("value", False),
        ("value", "0.5"),
        ("idea", "1"),
        ("idea", True),
        ("idea", 0),
        ("source", 7),
        ("source", {}),
        ("note", 0),
        ("note", []),
        ("recorded_at", ""),
        ("recorded_at", 5),
    ],
)
def test_values_of_the_wrong_type_are_refused_on_both_paths(
    api_as, member, reading_target, bulk, field, value
):
    response = _post(api_as(member), reading_target, bulk, **{field: value})
    assert response.status_code == 400, response.content
    (entry,) = response.json()["errors"]
    assert entry["index"] == (0 if bulk else None)
    assert field in entry
    assert not Reading.objects.exists()


def test_an_empty_list_is_refused_as_documented(api_as, member):
    response = api_as(member).post("/api/v1/readings/", [], format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["index"] is None


# --- input types and NUL in the other research writes ------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/ideas/", {"title": 7}, "title"),
        ("/api/v1/ideas/", {"title": "T", "board": "1"}, "board"),
        ("/api/v1/metrics/", {"name": "AUC", "baseline": False}, "baseline"),
        ("/api/v1/metrics/", {"name": "AUC", "baseline": "0.8"}, "baseline"),
        ("/api/v1/boards/", {"title": "T", "gain_bar": "2"}, "gain_bar"),
        ("/api/v1/boards/", {"title": "T", "project": "a\x00b"}, "project"),
        ("/api/v1/boards/", {"title": "T", "primary_metric": []}, "primary_metric"),
        ("/api/v1/tasks/", {"title": "T", "done": "yes"}, "done"),
    ],
)
def test_research_writes_refuse_values_of_the_wrong_type(api_as, manager, path, body, field):
    board = BoardFactory()
    idea = IdeaFactory(board=board, owner=manager)
    payload = {"board": board.pk, "idea": idea.pk, "project": board.project.slug, **body}
    response = api_as(manager).post(path, payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
