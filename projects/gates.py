"""Phase gates: checks a project must pass to move to a phase.

Each slice registers its own checks here instead of the phase service importing every app:
the projects slice checks targets when leaving research, the research slice checks for a
promoted idea when entering implementation, the flags slice for unacknowledged critical
flags. A gate returns human-readable problems; none means the gate is open. A manager may
override failing gates with a recorded reason (``services.project_change_phase``).
"""

from collections.abc import Callable
from dataclasses import dataclass

Gate = Callable[["Project", str], list[str]]  # noqa: F821  (project, to_phase) -> problems


@dataclass(frozen=True)
class _Registered:
    check: Gate
    entering: str | None
    leaving: str | None


_GATES: list[_Registered] = []


def register_gate(check: Gate, *, entering: str | None = None, leaving: str | None = None) -> Gate:
    """Register ``check`` for moves into ``entering`` and/or out of ``leaving``.

    Idempotent, so an app's ``ready()`` may call it more than once.
    """
    if not any(g.check is check for g in _GATES):
        _GATES.append(_Registered(check, entering, leaving))
    return check


def gate_problems(project, to_phase: str) -> list[str]:
    """Every problem that blocks ``project`` from moving to ``to_phase`` (empty when open).

    Archiving is never gated: gates ask for evidence before going further, and stopping a
    project needs none.
    """
    from .models import Phase

    if to_phase == Phase.ARCHIVED:
        return []
    problems: list[str] = []
    for gate in _GATES:
        applies = (gate.entering is not None and gate.entering == to_phase) or (
            gate.leaving is not None and gate.leaving == project.phase
        )
        if applies:
            problems.extend(gate.check(project, to_phase))
    return problems
