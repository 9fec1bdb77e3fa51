"""The data-gaps app's kind of header-search result: data-gap requests.

On PostgreSQL it uses the request's stored, trigger-maintained ``search_vector`` and its GIN
index (migration ``0002_search``); elsewhere the portable path of ``core.search``.
"""

from django.db import connection
from django.db.models import BooleanField, FloatField
from django.db.models.expressions import RawSQL

from core.registries import SearchHit
from core.search import may_search, search_terms, text_search_portable, tsquery_text

from .models import DataGap

DATAGAP_TITLE = ["title"]
DATAGAP_BODY = ["data_needed"]  # what search_vector holds (B)

_MATCH = "datagaps_datagap.search_vector @@ to_tsquery('english'::regconfig, %s)"
_RANK = "ts_rank(datagaps_datagap.search_vector, to_tsquery('english'::regconfig, %s))"


def _found(query: str, limit: int) -> list[DataGap]:
    requests = DataGap.objects.select_related("project")
    if connection.vendor != "postgresql":
        return text_search_portable(
            requests, title=DATAGAP_TITLE, body=DATAGAP_BODY, query=query, limit=limit
        )
    terms = search_terms(query)
    if not terms:
        return []
    tsquery = tsquery_text(terms)
    return list(
        requests.filter(RawSQL(_MATCH, [tsquery], output_field=BooleanField()))
        .annotate(search_rank=RawSQL(_RANK, [tsquery], output_field=FloatField()))
        .order_by("-search_rank", "-pk")[:limit]
    )


def datagap_search(user, query: str, limit: int) -> list[SearchHit]:
    """Data-gap requests by title (first) and the data needed."""
    if not may_search(user):
        return []
    return [
        SearchHit(
            title=gap.title,
            text=gap.data_needed,
            url=gap.get_absolute_url(),
            rank=gap.search_rank,
            detail=f"{gap.get_status_display()} · {gap.project.name}",  # a project is required
        )
        for gap in _found(query, limit)
    ]
