"""Dashboard panels contributed by other slices, registered like the project tabs.

A slice registers from its ``AppConfig.ready()``::

    register_panel(key="research", template="research/_dashboard.html",
                   context=lambda user: {...}, order=30)

``context(user)`` returns what the template needs; keep it to a fixed number of queries
(lazy querysets are evaluated by the template).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import User


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable[[User], dict]
    order: int


_PANELS: dict[str, Panel] = {}


def register_panel(*, key: str, template: str, context: Callable[[User], dict], order: int) -> None:
    """Add (or replace) the panel ``key``; idempotent, so ``ready()`` may run twice."""
    _PANELS[key] = Panel(key=key, template=template, context=context, order=order)


def dashboard_panels(user: User) -> list[dict]:
    """``[{"template": ..., **context}, ...]`` in order, for ``projects/dashboard.html``."""
    return [
        {"template": panel.template, **panel.context(user)}
        for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key))
    ]
