"""Allowed phase transitions: plain data, read by the service, the UI and the API."""

from .models import Phase

PHASE_TRANSITIONS: dict[str, frozenset[str]] = {
    Phase.RESEARCH: frozenset({Phase.PROTOTYPE, Phase.ARCHIVED}),
    Phase.PROTOTYPE: frozenset({Phase.RESEARCH, Phase.IMPLEMENTATION, Phase.ARCHIVED}),
    Phase.IMPLEMENTATION: frozenset({Phase.PROTOTYPE, Phase.RELEASED, Phase.ARCHIVED}),
    Phase.RELEASED: frozenset({Phase.MONITORING, Phase.ARCHIVED}),
    Phase.MONITORING: frozenset({Phase.IMPLEMENTATION, Phase.ARCHIVED}),
    Phase.ARCHIVED: frozenset({Phase.RESEARCH}),
}


def allowed_phases(current: str) -> list[str]:
    """The phases a project in ``current`` may move to, in the lifecycle's order."""
    allowed = PHASE_TRANSITIONS.get(current, frozenset())
    return [phase for phase in Phase.values if phase in allowed]


# The forward step of the lifecycle: the phase the portfolio checks a project's gates for.
# Monitoring and archived have no next phase.
NEXT_PHASE: dict[str, str] = {
    Phase.RESEARCH: Phase.PROTOTYPE,
    Phase.PROTOTYPE: Phase.IMPLEMENTATION,
    Phase.IMPLEMENTATION: Phase.RELEASED,
    Phase.RELEASED: Phase.MONITORING,
}

# Phases in which a project is still on its way to its target release (overdue counts here).
DELIVERING_PHASES: frozenset[str] = frozenset(
    {Phase.RESEARCH, Phase.PROTOTYPE, Phase.IMPLEMENTATION}
)
