"""The research slice's phase gate: implementation needs a promoted idea."""

from .models import Idea, Status

NO_PROMOTED_IDEA = "Promote at least one idea on this project's boards before implementation."


def promoted_idea_gate(project, to_phase: str) -> list[str]:
    """Block entering implementation until an idea on one of the project's boards is promoted."""
    if Idea.objects.filter(board__project=project, status=Status.PROMOTED).exists():
        return []
    return [NO_PROMOTED_IDEA]
