"""The research slice's phase gate: implementation needs a promoted idea."""

from .models import Idea, Status

NO_PROMOTED_IDEA = "Promote at least one idea on this project's boards before implementation."


def promoted_idea_gate(project, to_phase: str) -> list[str]:
    """Block entering implementation until an idea on one of the project's boards is promoted."""
    if Idea.objects.filter(board__project=project, status=Status.PROMOTED).exists():
        return []
    return [NO_PROMOTED_IDEA]


def promoted_idea_gate_many(projects: list, to_phase: str) -> dict[int, list[str]]:
    """:func:`promoted_idea_gate` for a list of projects in one query."""
    promoted = set(
        Idea.objects.filter(board__project__in=[p.pk for p in projects], status=Status.PROMOTED)
        .values_list("board__project", flat=True)
        .distinct()
    )
    return {p.pk: [NO_PROMOTED_IDEA] for p in projects if p.pk not in promoted}
