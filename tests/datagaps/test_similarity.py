"""Similar requests: a paraphrase ranks its original first; unrelated requests fall under
the threshold and are not shown. On PostgreSQL (full-text search and pg_trgm, what the suite
runs on) through the selector, and the portable fallback SQLite uses, directly."""

import pytest
from django.db import connection

from datagaps import selectors, similarity
from tests.factories import DataGapFactory

REQUESTS = [
    ("Event-level clickstream from the web app",
     "Raw page views and clicks per session with timestamps, user id and referrer, 90 days."),
    ("Customer-support ticket feed",
     "Every Zendesk ticket with its category, priority, timestamps and the customer account."),
    ("SMART telemetry for all disks",
     "Per-disk SMART attributes every 10 minutes for the storage fleet, one year back."),
    ("Marketing spend by campaign and day",
     "Daily spend, impressions and clicks per campaign from the ad platforms."),
    ("Product catalogue with price history",
     "Every SKU with its category and the price changes over time."),
]  # fmt: skip
PARAPHRASES = [
    ("Clickstream events per session from the website", 0),
    ("Click stream of page views per user session", 0),
    ("Support tickets with categories for each customer", 1),
    ("SMART attributes of disks", 2),
]
UNRELATED = [
    "Weather forecasts for delivery regions",
    "Employee holiday calendar",
    "Customer churn labels",
    "the of and",
    "",
]


@pytest.fixture
def requests(db):
    return [DataGapFactory(title=title, data_needed=text) for title, text in REQUESTS]


def test_the_suite_ranks_on_postgresql(db):
    # make test always runs on PostgreSQL; the ranking tests below must run there, never skip.
    assert connection.vendor == "postgresql"


@pytest.mark.parametrize(("text", "original"), PARAPHRASES)
def test_postgresql_ranks_the_original_first(requests, text, original):
    found = selectors.datagap_similar(text)
    assert found and found[0].pk == requests[original].pk, [(r.title, r.similarity) for r in found]
    assert found[0].similarity >= selectors.SIMILAR_MIN_SCORE


@pytest.mark.parametrize("text", UNRELATED)
def test_postgresql_shows_nothing_unrelated(requests, text):
    assert selectors.datagap_similar(text) == []


def test_a_request_is_not_similar_to_itself_but_to_its_paraphrase(requests):
    paraphrase = DataGapFactory(
        title="Clickstream events per session", data_needed="Page views and clicks per session."
    )
    found = selectors.datagap_similar_to(paraphrase)
    assert [r.pk for r in found] == [requests[0].pk]


def test_postgresql_similar_costs_two_queries(requests, django_assert_num_queries):
    # the ranked ids, then the requests with project, people and flags
    with django_assert_num_queries(2):
        assert selectors.datagap_similar("clickstream per session")


def _fallback(text: str) -> list[int]:
    candidates = [(i, title, body) for i, (title, body) in enumerate(REQUESTS)]
    ranked = similarity.rank(
        text, candidates, threshold=selectors.FALLBACK_MIN_SCORE, limit=selectors.SIMILAR_LIMIT
    )
    return [pk for pk, _ in ranked]


@pytest.mark.parametrize(
    ("text", "original"),
    [
        ("Clickstream events per session from the website", 0),
        ("Web app clickstream, event level", 0),
        ("Support tickets with categories for each customer", 1),
        ("SMART attributes of disks", 2),
        ("Campaign spend per day", 3),
    ],
)
def test_the_fallback_ranks_the_original_first(text, original):
    assert _fallback(text)[:1] == [original]


@pytest.mark.parametrize("text", UNRELATED)
def test_the_fallback_shows_nothing_unrelated(text):
    assert _fallback(text) == []


def test_the_fallback_normalises_words():
    assert similarity.words("Clicks, CLICKED; the click!") == {"click"}
    assert similarity.words("the data of") == frozenset()
