"""Text similarity of data-gap requests that needs no database: the portable fallback.

PostgreSQL ranks similar requests with full-text search and ``pg_trgm`` (see
``selectors.datagap_similar``); SQLite has neither, so there the same question is answered
here, in Python, over normalised words: lower case, no punctuation, no stop words, crude
suffix stripping, so "clicks", "clicked" and "click" meet. The recurring-asks grouping uses
the pairwise score on every database, so its groups are the same everywhere.
"""

import re
from collections.abc import Iterable

_WORD = re.compile(r"[a-z0-9]+")
STOP_WORDS = frozenset(
    """a about above after all also an and any are as at be been but by can could do does
    each for from get had has have how i if in into is it its just like may me more most my
    need needs no not of on one or other our out over per so some such than that the their
    them then there these they this those to too up us use used using via want was we were
    what when where which while who will with would you your data""".split()  # noqa: SIM905
)
_SUFFIXES = ("ing", "ed", "es", "s")


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def words(text: str) -> frozenset[str]:
    """The normalised words of ``text`` (a set)."""
    return frozenset(
        _stem(word) for word in _WORD.findall((text or "").lower()) if word not in STOP_WORDS
    )


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def score(query: frozenset[str], title: frozenset[str], body: frozenset[str]) -> float:
    """How similar a request (``title`` and ``body`` words) is to ``query`` words, 0 to 1.

    The title weighs more: the share of the request's title words the query has, then the
    Jaccard overlap of the query with everything the request says.
    """
    if not query or not title:
        return 0.0
    title_cover = len(query & title) / len(title)
    return 0.6 * title_cover + 0.4 * _jaccard(query, title | body)


def rank(
    text: str, candidates: Iterable[tuple[int, str, str]], *, threshold: float, limit: int
) -> list[tuple[int, float]]:
    """``[(pk, score), ...]`` of the candidates ``(pk, title, body)`` scoring at least
    ``threshold`` against ``text``, best first (ties: newest, i.e. higher pk, first)."""
    query = words(text)
    scored = [
        (pk, round(score(query, words(title), words(body)), 4)) for pk, title, body in candidates
    ]
    kept = [(pk, s) for pk, s in scored if s >= threshold]
    kept.sort(key=lambda item: (-item[1], -item[0]))
    return kept[:limit]


def pair_score(a: tuple[frozenset[str], frozenset[str]], b: tuple[frozenset[str], frozenset[str]]):
    """Symmetric similarity of two requests, each ``(title words, all words)``."""
    return 0.5 * _jaccard(a[0], b[0]) + 0.5 * _jaccard(a[1], b[1])
