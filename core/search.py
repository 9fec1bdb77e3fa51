"""The header search: the query's one definition, ranked text search over any queryset, and
the run over every registered provider (``core.registries.register_search``).

On PostgreSQL a provider's query is full-text search: every typed word must match the title
or the body (as a prefix, so results come while a word is being typed), found through a GIN
index on the same expression (see each app's ``00NN_search`` migration and
:func:`search_index`), ranked by ``ts_rank`` of the title alone, so a title match comes
first and body matches follow, newest first. Ranking on the whole document would rebuild
every matching row's long text vector: on 5,000 ideas whose every row matched, 530 ms
against 115 ms for the title alone. On SQLite the portable path (:func:`text_search_portable`)
asks for every word in the title or the body and ranks title matches first. Either way a
provider costs one query.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, FloatField, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable

from .registries import SearchHit, search_providers

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
PER_TYPE = 5  # hits per type on the mixed page and answer
PER_TYPE_FILTERED = 20  # hits when one type is asked for
SNIPPET_LENGTH = 160
CONFIG = "english"

# Letters and digits only: a raw tsquery built from them cannot be malformed.
_TERM = re.compile(r"[^\W_]+")


def search_query_clean(raw: str | None) -> str:
    """The query, trimmed; an empty or too long one (as typed, so the API's schema can say
    the length) is refused with the message for ``q``."""
    raw = raw or ""
    if len(raw) > MAX_QUERY_LENGTH:
        raise ValidationError(
            {"q": f"Search for at most {MAX_QUERY_LENGTH} characters (this is {len(raw)})."}
        )
    query = " ".join(raw.split())
    if not query:
        raise ValidationError({"q": "Type something to search for."})
    if not search_terms(query):
        raise ValidationError({"q": "Search for words or numbers."})
    return query


def search_type_clean(raw: str | None) -> str:
    """``""`` (every type) or a registered type; anything else is refused for ``type``."""
    if not raw:
        return ""
    keys = [provider.key for provider in search_providers()]
    if raw not in keys:
        raise ValidationError({"type": f"Choose one of: {', '.join(keys)}."})
    return raw


def search_terms(query: str) -> list[str]:
    """The query's words, lower case, at most :data:`MAX_TERMS`, each cut to 64 characters."""
    terms: dict[str, None] = {}
    for word in _TERM.findall(query.lower()):
        terms.setdefault(word[:64], None)
        if len(terms) >= MAX_TERMS:
            break
    return list(terms)


# --- ranked text search over a queryset ----------------------------------------------------


def search_vector(title: Sequence[str], body: Sequence[str]) -> Combinable:
    """The weighted document: ``title`` fields weigh A, ``body`` fields B. Each app's search
    migration indexes exactly this expression, so the planner can use the index."""
    vector = SearchVector(*title, weight="A", config=CONFIG)
    if body:
        vector = vector + SearchVector(*body, weight="B", config=CONFIG)
    return vector


def search_index(*, name: str, title: Sequence[str], body: Sequence[str]):
    """The GIN index of :func:`search_vector` for a migration (PostgreSQL only)."""
    from django.contrib.postgres.indexes import GinIndex

    return GinIndex(search_vector(title, body), name=name)


def tsquery_text(terms: list[str]) -> str:
    """A raw tsquery: every term, each as a prefix."""
    return " & ".join(f"{term}:*" for term in terms)


def text_search(
    queryset: QuerySet, *, title: Sequence[str], body: Sequence[str], query: str, limit: int
) -> list:
    """The rows of ``queryset`` matching every word of ``query`` in a ``title`` or ``body``
    field, title matches first (by their text rank), then newest first, at most ``limit``,
    each with ``search_rank``: one query, full-text on PostgreSQL, portable elsewhere."""
    if connection.vendor != "postgresql":
        return text_search_portable(queryset, title=title, body=body, query=query, limit=limit)
    terms = search_terms(query)
    if not terms:
        return []
    vector = search_vector(title, body)
    tsquery = SearchQuery(tsquery_text(terms), search_type="raw", config=CONFIG)
    return list(
        queryset.alias(search_document=vector)
        .filter(search_document=tsquery)
        .annotate(search_rank=SearchRank(SearchVector(*title, config=CONFIG), tsquery))
        .order_by("-search_rank", "-pk")[:limit]
    )


def text_search_portable(
    queryset: QuerySet, *, title: Sequence[str], body: Sequence[str], query: str, limit: int
) -> list:
    """The fallback of :func:`text_search` for databases without full-text search (SQLite):
    every typed word must begin a word of a title or a body field (a prefix, as on
    PostgreSQL: "eli" finds "Eli" and "Elias", not "delivery"); a word in the title counts
    2, in the body 1. Runs on any database, so it is tested on PostgreSQL too."""
    terms = search_terms(query)
    if not terms:
        return []
    fields = [*title, *body]
    condition = Q()
    rank = Value(0.0, output_field=FloatField())
    for term in terms:
        condition &= _any_contains(fields, term)
        rank = rank + Case(
            When(_any_contains(title, term), then=Value(2.0)),
            When(_any_contains(body, term), then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    return list(
        queryset.filter(condition)
        .annotate(search_rank=rank)
        .order_by("-search_rank", "-pk")[:limit]
    )


def detail_line(*parts: str) -> str:
    """A hit's line of context from the parts it has: "Open · Churn radar"."""
    return " · ".join(part for part in parts if part)


def search_hits(
    user,
    queryset: QuerySet,
    *,
    title: Sequence[str],
    body: Sequence[str],
    query: str,
    limit: int,
    hit: Callable[[Any], SearchHit],
) -> list[SearchHit]:
    """A search provider's whole answer: nothing for someone who may not search, else
    :func:`text_search` over ``queryset`` with each found row turned into a hit by ``hit``
    (its ``rank`` is taken from the row). One query."""
    if not may_search(user):
        return []
    found = text_search(queryset, title=title, body=body, query=query, limit=limit)
    return [replace(hit(row), rank=row.search_rank) for row in found]


def _any_contains(fields: Sequence[str], term: str) -> Q:
    """A word of one of ``fields`` starts with ``term`` (letters and digits only, see
    ``_TERM``): after the start or a character that is no letter or digit, in any script
    ("lias" does not find "Élias"). The pattern reads the same to PostgreSQL's and Python's
    (SQLite's) regular expressions; the ``icontains`` beside it lets SQLite skip most rows
    before the regex."""
    word_start = rf"(^|\W|_){re.escape(term)}"
    found = Q(pk__in=[])
    for field in fields:
        found |= Q(**{f"{field}__icontains": term, f"{field}__iregex": word_start})
    return found


# --- snippets ------------------------------------------------------------------------------

_MARKUP = re.compile(r"[#*_`>\[\]]+|\]\([^)]*\)")


def snippet(text: str, query: str, length: int = SNIPPET_LENGTH) -> str:
    """About ``length`` characters of ``text`` around the first typed word it contains (its
    start when none), markdown marks and runs of white space removed, ``…`` where cut."""
    plain = " ".join(_MARKUP.sub(" ", text or "").split())
    if len(plain) <= length:
        return plain
    lower = plain.lower()
    positions = [p for p in (lower.find(term) for term in search_terms(query)) if p >= 0]
    start = max(0, min(positions) - length // 4) if positions else 0
    if start:
        # Start at a word.
        space = plain.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = start + length
    if end < len(plain):
        space = plain.rfind(" ", start, end)
        end = space if space > start + length // 2 else end
    return ("…" if start else "") + plain[start:end].strip() + ("…" if end < len(plain) else "")


# --- the run over every provider ---------------------------------------------------------


@dataclass(frozen=True)
class SearchGroup:
    key: str
    label: str
    hits: list[dict]


def search_run(user, query: str, *, type: str = "") -> list[SearchGroup]:
    """Every registered kind of result for ``query`` (or only ``type``), grouped in the
    registry's order, each hit ``{"type", "title", "snippet", "url", "detail"}``; groups with
    no hit are left out. One query per provider; nothing for someone who is not signed in."""
    if not may_search(user):
        return []
    limit = PER_TYPE_FILTERED if type else PER_TYPE
    groups = []
    for provider in search_providers():
        if type and provider.key != type:
            continue
        hits: list[SearchHit] = provider.search(user, query, limit)
        if hits:
            groups.append(
                SearchGroup(
                    provider.key,
                    provider.label,
                    [
                        {
                            "type": provider.key,
                            "type_label": provider.label,
                            "title": hit.title,
                            "snippet": snippet(hit.text, query),
                            "url": hit.url,
                            "detail": hit.detail,
                        }
                        for hit in hits[:limit]
                    ],
                )
            )
    return groups


def may_search(user) -> bool:
    """Who may see search results: signed-in, active people (every role reads everything
    else; each provider still leaves out what the user may not see)."""
    return bool(user is not None and user.is_authenticated and user.is_active)
