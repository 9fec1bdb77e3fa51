"""The tabs of a project page, built in one place so other slices can add theirs.

A slice registers a tab from its ``AppConfig.ready()``::

    from projects.tabs import register_tab
    register_tab(key="board", label="Board", url_name="research:project-board", order=30)

The URL is reversed with ``slug=project.slug``. ``order`` places it: overview 10, team 20,
(board 30, flags 40, data gaps 50), takeaways 70, timeline 80.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url_name: str
    order: int


_TABS: dict[str, Tab] = {}


def register_tab(*, key: str, label: str, url_name: str, order: int) -> None:
    """Add (or replace) the tab ``key``; idempotent, so ``ready()`` may run twice."""
    _TABS[key] = Tab(key=key, label=label, url_name=url_name, order=order)


def project_tabs(project, active: str) -> list[dict]:
    """``[{"key", "label", "url", "active"}, ...]`` in order, for ``projects/_tabs.html``."""
    return [
        {
            "key": tab.key,
            "label": tab.label,
            "url": reverse(tab.url_name, kwargs={"slug": project.slug}),
            "active": tab.key == active,
        }
        for tab in sorted(_TABS.values(), key=lambda t: (t.order, t.key))
    ]
