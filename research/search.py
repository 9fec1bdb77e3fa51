"""The research app's kinds of header-search result: boards and ideas."""

from core.registries import SearchHit
from core.search import search_hits

from .models import Board, Idea

BOARD_TITLE = ["title"]
BOARD_BODY = ["question"]
IDEA_TITLE = ["title"]
IDEA_BODY = ["hypothesis"]


def board_search(user, query: str, limit: int) -> list[SearchHit]:
    """Boards by title (first) and research question."""
    return search_hits(
        user,
        Board.objects.select_related("project"),
        title=BOARD_TITLE,
        body=BOARD_BODY,
        query=query,
        limit=limit,
        hit=lambda board: SearchHit(
            title=board.title,
            text=board.question,
            url=board.get_absolute_url(),
            detail=board.project.name,
        ),
    )


def idea_search(user, query: str, limit: int) -> list[SearchHit]:
    """Ideas by title (first) and hypothesis, with their board and status."""
    return search_hits(
        user,
        Idea.objects.select_related("board"),
        title=IDEA_TITLE,
        body=IDEA_BODY,
        query=query,
        limit=limit,
        hit=lambda idea: SearchHit(
            title=idea.title,
            text=idea.hypothesis,
            url=idea.get_absolute_url(),
            detail=f"{idea.get_status_display()} · {idea.board.title}",
        ),
    )
