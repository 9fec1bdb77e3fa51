"""The flags slice's phase gate: no implementation while a critical flag is unacknowledged."""

from .models import Flag, FlagStatus, Severity


def _unacknowledged_critical():
    return Flag.objects.filter(severity=Severity.CRITICAL, status=FlagStatus.OPEN).order_by(
        "created_at", "id"
    )


def _problem(titles: list[str]) -> list[str]:
    if not titles:
        return []
    named = ", ".join(f"“{title}”" for title in titles)
    word = "flag" if len(titles) == 1 else "flags"
    return [f"Acknowledge the critical dependency {word} {named} before implementation."]


def critical_flag_gate(project, to_phase: str) -> list[str]:
    """Block entering implementation while a critical flag on the project is still open
    (unacknowledged); the message names the flags."""
    return _problem(
        list(_unacknowledged_critical().filter(project=project).values_list("title", flat=True))
    )


def critical_flag_gate_many(projects: list, to_phase: str) -> dict[int, list[str]]:
    """:func:`critical_flag_gate` for a list of projects in one query."""
    titles: dict[int, list[str]] = {}
    rows = _unacknowledged_critical().filter(project__in=[p.pk for p in projects])
    for project_id, title in rows.values_list("project", "title"):
        titles.setdefault(project_id, []).append(title)
    return {pk: _problem(found) for pk, found in titles.items()}
