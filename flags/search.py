"""The flags app's kind of header-search result: dependency flags."""

from core.registries import SearchHit
from core.search import search_hits

from .models import Flag

FLAG_TITLE = ["title"]
FLAG_BODY = ["description", "external_blocker"]


def flag_search(user, query: str, limit: int) -> list[SearchHit]:
    """Flags by title (first), description and external blocker."""
    return search_hits(
        user,
        Flag.objects.select_related("project"),
        title=FLAG_TITLE,
        body=FLAG_BODY,
        query=query,
        limit=limit,
        hit=lambda flag: SearchHit(
            title=flag.title,
            text=flag.description or flag.external_blocker,
            url=flag.get_absolute_url(),
            detail=(
                f"{flag.get_severity_display()} · {flag.get_status_display()} · {flag.project.name}"
            ),
        ),
    )
