"""The research app's kinds of header-search result: boards and ideas."""

from core.registries import SearchHit
from core.search import may_search, text_search

from .models import Board, Idea

BOARD_TITLE = ["title"]
BOARD_BODY = ["question"]
IDEA_TITLE = ["title"]
IDEA_BODY = ["hypothesis"]


def board_search(user, query: str, limit: int) -> list[SearchHit]:
    """Boards by title (first) and research question."""
    if not may_search(user):
        return []
    found = text_search(
        Board.objects.select_related("project"),
        title=BOARD_TITLE,
        body=BOARD_BODY,
        query=query,
        limit=limit,
    )
    return [
        SearchHit(
            title=board.title,
            text=board.question,
            url=board.get_absolute_url(),
            rank=board.search_rank,
            detail=board.project.name,
        )
        for board in found
    ]


def idea_search(user, query: str, limit: int) -> list[SearchHit]:
    """Ideas by title (first) and hypothesis, with their board and status."""
    if not may_search(user):
        return []
    found = text_search(
        Idea.objects.select_related("board"),
        title=IDEA_TITLE,
        body=IDEA_BODY,
        query=query,
        limit=limit,
    )
    return [
        SearchHit(
            title=idea.title,
            text=idea.hypothesis,
            url=idea.get_absolute_url(),
            rank=idea.search_rank,
            detail=f"{idea.get_status_display()} · {idea.board.title}",
        )
        for idea in found
    ]
