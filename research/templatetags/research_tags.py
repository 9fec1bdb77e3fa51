"""Formatting of metric values, changes and gains for the research templates."""

import math

from django import template
from django.utils.html import format_html

from core.text import MINUS, percent

register = template.Library()

DASH = "\u2013"  # en dash: no value


@register.filter
def num(value) -> str:
    """A metric value with four significant digits (0.8123, 12.35, 1234)."""
    if value is None:
        return DASH
    return f"{value:.4g}"


@register.filter
def signed(value) -> str:
    """A change with its sign: +0.012, a true minus sign for falls, ±0 for none."""
    if value is None:
        return DASH
    if value == 0:
        return "±0"
    text = f"{abs(value):.3g}"
    return f"+{text}" if value > 0 else f"{MINUS}{text}"


@register.filter
def pct(value) -> str:
    """A relative gain in percent with its sign: +5.0 %, +4.99 % (``core.text.percent``)."""
    if value is None:
        return "n/a"
    return percent(value, signed=True)


@register.simple_tag
def gain_meter(progress, gain_bar: float) -> str:
    """A small track: the fill is the idea's gain, the tick is the board's gain bar.

    The track spans 0 to twice the bar, so the tick sits in the middle; text beside it
    says the same thing, so colour and position are never the only signal.
    """
    if progress is None or progress.gain_pct is None:
        return format_html(
            '<span class="gain-mark gain-unknown">{}</span>',
            "Gain n/a (no reading)"
            if progress is None or progress.latest is None
            else "Gain n/a (baseline 0)",
        )
    span = 2 * gain_bar if gain_bar > 0 else 2.0
    fill = max(0.0, min(1.0, progress.gain_pct / span)) * 100
    if not math.isfinite(fill):
        fill = 0.0
    cleared = progress.clears_bar
    return format_html(
        '<span class="gain-mark {}"><span class="gain-track" aria-hidden="true">'
        '<span class="gain-fill" data-width="{}"></span><span class="gain-tick"></span>'
        '</span> <span class="gain-text">{} gain {} {} bar {} %</span></span>',
        "gain-clear" if cleared else "gain-below",
        f"{fill:.0f}",
        "✓" if cleared else "✗",
        pct(progress.gain_pct),
        "clears the" if cleared else "is below the",
        f"{gain_bar:g}",
    )


@register.filter
def task_moves(task) -> list[tuple[str, str]]:
    """``(state, button text)`` for each state the task may move to (the transition table)."""
    from ..models import TaskState
    from ..transitions import allowed_task_states

    return [
        (state, f"Mark {TaskState(state).label.lower()}")
        for state in allowed_task_states(task.state)
    ]


@register.filter
def can_mark(user, task) -> bool:
    """The person may move this task between states (the rule the service checks)."""
    from ..permissions import can_mark_task

    return can_mark_task(user, task, task.idea)


@register.filter
def can_edit_task(user, task) -> bool:
    """The person may rename, reassign or re-date this task (the rule the service checks)."""
    from ..permissions import can_edit_task as rule

    return rule(user, task, task.idea)


@register.filter
def can_claim(user, task) -> bool:
    """The person may claim this task: a member, and the task is free and open."""
    from ..permissions import can_claim_task

    return can_claim_task(user, task)


@register.filter
def project_released(task) -> bool:
    """The task's project is already released (released or monitoring)."""
    from projects.models import Phase

    return task.idea.board.project.phase in (Phase.RELEASED, Phase.MONITORING)
