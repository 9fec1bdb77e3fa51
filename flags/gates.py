"""The flags slice's phase gate: no implementation while a critical flag is unacknowledged."""

from .models import Flag, FlagStatus, Severity


def critical_flag_gate(project, to_phase: str) -> list[str]:
    """Block entering implementation while a critical flag on the project is still open
    (unacknowledged); the message names the flags."""
    titles = list(
        Flag.objects.filter(project=project, severity=Severity.CRITICAL, status=FlagStatus.OPEN)
        .order_by("created_at", "id")
        .values_list("title", flat=True)
    )
    if not titles:
        return []
    named = ", ".join(f"“{title}”" for title in titles)
    word = "flag" if len(titles) == 1 else "flags"
    return [f"Acknowledge the critical dependency {word} {named} before implementation."]
