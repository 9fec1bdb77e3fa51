"""Ideas for lists and for the idea's pages, its status history, a person's ideas."""

from django.db.models import QuerySet

from ..models import Idea, IdeaStatusChange, Status


def idea_list() -> QuerySet[Idea]:
    """Ideas for lists: with the owner's name joined in and nothing else loaded that a
    list does not show (every datetime column costs parsing on a page of 100)."""
    return (
        Idea.objects.select_related("owner")
        .only(
            *IDEA_LIST_FIELDS,
            "owner__username",
            "owner__first_name",
            "owner__last_name",
        )
        .order_by("board_id", "position", "id")
    )


IDEA_LIST_FIELDS = [
    "id",
    "board_id",
    "title",
    "hypothesis",
    "owner_id",
    "status",
    "maturity",
    "position",
    "dropped_reason",
    "created_at",
    "updated_at",
]


def idea_detail() -> QuerySet[Idea]:
    """Ideas with their board, project, primary metric and owner (for the idea's pages)."""
    return Idea.objects.select_related("board__project", "board__primary_metric", "owner")


def idea_with_board() -> QuerySet[Idea]:
    """Ideas with their board and project: what the idea's forms and buttons need."""
    return Idea.objects.select_related("board__project")


def idea_status_history(idea: Idea, *, limit: int = 20) -> list[IdeaStatusChange]:
    """An idea's latest status changes with who made them, newest first."""
    return list(
        IdeaStatusChange.objects.filter(idea=idea)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


def ideas_owned_by(user, *, limit: int = 10) -> QuerySet[Idea]:
    """The person's ideas still in play (not dropped), most recently changed first."""
    return (
        Idea.objects.filter(owner=user)
        .exclude(status=Status.DROPPED)
        .select_related("board")
        .order_by("-updated_at", "-id")[:limit]
    )
