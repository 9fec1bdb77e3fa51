"""Registries through which an app plugs into pages and rules owned by the apps above it.

An app fills them from its ``AppConfig.ready()``; every ``register_*`` is idempotent (keyed),
so ``ready()`` may run twice. ``core`` knows no app: it stores callables and names only.

* tabs of a project page (:func:`register_tab`, :func:`project_tabs`)
* dashboard panels (:func:`register_panel`, :func:`dashboard_panels`)
* phase gates (:func:`register_gate`, :func:`gate_problems`)
* the header navigation (:func:`register_nav`, :func:`nav_items`)
* digest sections (:func:`register_digest_section`, :func:`digest_sections`)
* webhook events (:func:`register_webhook_events`, :func:`webhook_events`)
* panels on an object's page (:func:`register_object_panel`, :func:`object_panels`)
* badges on cards and rows (:func:`register_badges`, :func:`badges_for`)
* header search providers (:func:`register_search`, :func:`search_providers`)
* counts on the portfolio's project rows (:func:`register_project_count`, :func:`project_counts`)
* download links on a page (:func:`register_download`, :func:`downloads_for`)
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from core.text import counted

# --- project tabs ------------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url_name: str
    order: int


_TABS: dict[str, Tab] = {}


def register_tab(*, key: str, label: str, url_name: str, order: int) -> None:
    """Add (or replace) the project tab ``key``; its URL is reversed with ``slug=``.

    ``order`` places it: overview 10, team 20, board 30, flags 40, data gaps 50,
    takeaways 70, timeline 80.
    """
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


# --- dashboard panels --------------------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable[[Any], dict]
    order: int


_PANELS: dict[str, Panel] = {}


def register_panel(*, key: str, template: str, context: Callable[[Any], dict], order: int) -> None:
    """Add (or replace) the dashboard panel ``key``.

    ``context(user)`` returns what the template needs; keep it to a fixed number of queries
    (lazy querysets are evaluated by the template).
    """
    _PANELS[key] = Panel(key=key, template=template, context=context, order=order)


def dashboard_panels(user) -> list[dict]:
    """``[{"template": ..., **context}, ...]`` in order, for the dashboard."""
    return [
        {"template": panel.template, **panel.context(user)}
        for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key))
    ]


# --- phase gates -------------------------------------------------------------------------

Gate = Callable[[Any, str], list[str]]  # (project, to_phase) -> problems; none means open
# (projects, to_phase) -> {pk: problems}: the same check for a whole list, in fixed queries.
BatchGate = Callable[[list, str], dict[int, list[str]]]


@dataclass(frozen=True)
class _Gate:
    check: Gate
    entering: str | None
    leaving: str | None
    batch: BatchGate | None = None

    def applies(self, project, to_phase: str) -> bool:
        return (self.entering is not None and self.entering == to_phase) or (
            self.leaving is not None and self.leaving == project.phase
        )


_GATES: dict[str, _Gate] = {}
_UNGATED: set[str] = set()


def register_gate(
    check: Gate,
    *,
    entering: str | None = None,
    leaving: str | None = None,
    batch: BatchGate | None = None,
) -> Gate:
    """Register ``check`` for moves into ``entering`` and/or out of ``leaving``.

    A gate returns human-readable problems; none means the gate is open. A manager may
    override failing gates with a recorded reason (the phase service decides). ``batch``,
    optional, answers the same problems for a list of projects in a fixed number of queries
    (``{pk: problems}``, open ones may be left out); lists such as the portfolio use it
    through :func:`gate_problems_many`.
    """
    _GATES[f"{check.__module__}.{check.__qualname__}"] = _Gate(check, entering, leaving, batch)
    return check


def register_ungated(phase: str) -> None:
    """Declare that moves into ``phase`` are never gated (archiving needs no evidence)."""
    _UNGATED.add(phase)


def gate_problems(project, to_phase: str) -> list[str]:
    """Every problem that blocks ``project`` from moving to ``to_phase`` (empty when open)."""
    if to_phase in _UNGATED:
        return []
    problems: list[str] = []
    for gate in _GATES.values():
        if gate.applies(project, to_phase):
            problems.extend(gate.check(project, to_phase))
    return problems


def gate_problems_many(moves: Iterable[tuple[Any, str | None]]) -> dict[int, list[str]]:
    """:func:`gate_problems` of many ``(project, to_phase)`` moves, by project pk (a move to
    ``None`` has none). A gate with a ``batch`` form costs its fixed queries once per target
    phase for the whole list; one without is asked project by project."""
    moves = list(moves)
    found: dict[int, list[str]] = {project.pk: [] for project, _ in moves}
    for gate in _GATES.values():
        by_phase: dict[str, list] = {}
        for project, to_phase in moves:
            if to_phase is None or to_phase in _UNGATED or not gate.applies(project, to_phase):
                continue
            by_phase.setdefault(to_phase, []).append(project)
        for to_phase, projects in by_phase.items():
            if gate.batch is not None:
                answers = gate.batch(projects, to_phase)
                for project in projects:
                    found[project.pk].extend(answers.get(project.pk, []))
            else:
                for project in projects:
                    found[project.pk].extend(gate.check(project, to_phase))
    return found


# --- header navigation -------------------------------------------------------------------


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    prefix: str  # the view-name prefix that marks the item current
    order: int


_NAV: dict[str, NavItem] = {}


def register_nav(*, label: str, url_name: str, prefix: str, order: int) -> None:
    """Add (or replace) a link in the header navigation."""
    _NAV[url_name] = NavItem(label=label, url_name=url_name, prefix=prefix, order=order)


def nav_items(current_view: str) -> list[dict]:
    """``[{"label", "url", "active"}, ...]`` in order, for ``base.html``."""
    return [
        {
            "label": item.label,
            "url": reverse(item.url_name),
            "active": current_view.startswith(item.prefix),
        }
        for item in sorted(_NAV.values(), key=lambda i: (i.order, i.label))
    ]


# --- digest sections ---------------------------------------------------------------------


@dataclass
class DigestContext:
    """What a digest section is built from: one person's week, in their time zone.

    ``start``/``end`` bound the week (aware datetimes, end excluded); ``project_ids`` are the
    person's projects (current rotations, projects they manage or are a member of, ideas
    they own) less the ones they muted; ``site_url`` prefixes every link; ``shared`` is a
    cache the sections of one batch share (e.g. everyone's takeaways of the same week).
    """

    person: Any
    start: Any
    end: Any
    today: Any
    project_ids: frozenset[int]
    site_url: str
    shared: dict = field(default_factory=dict)

    def link(self, path: str) -> str:
        return f"{self.site_url}{path}"


@dataclass(frozen=True)
class DigestSection:
    key: str
    title: str
    build: Callable[[DigestContext], Any]  # the section's items, falsy when empty
    template: str  # renders ``items`` (and ``ctx``) as HTML; ``text_template`` as plain text
    text_template: str
    order: int
    # How the subject counts the items ("2 new flags"): (singular, plural) or None.
    noun: tuple[str, str] | None


_DIGEST_SECTIONS: dict[str, DigestSection] = {}
_DIGEST_PROJECTS: dict[str, Callable[[Any, Any, Any], set[int]]] = {}


def register_digest_section(
    *,
    key: str,
    title: str,
    build: Callable[[DigestContext], Any],
    order: int,
    noun: tuple[str, str] | None = None,
    template: str = "emails/digest/_items.html",
    text_template: str = "emails/digest/_items.txt",
) -> None:
    """Add (or replace) a section of the weekly digest, owned by the app whose data it shows.

    ``build(ctx)`` returns the section's items (a list, or a dict with an ``items`` list),
    falsy when there is nothing to say; it should cost a fixed number of queries whatever
    the amount of activity. The default templates render items ``{"text", "url", "detail"}``
    and groups ``{"title", "items"}`` (a dict with ``groups``, and ``count`` for the
    subject). ``order``: takeaways 10, phases 20, metric movers 30, boards
    40, flags 50, data gaps 60, rotations 70, takeaways asked 80, the data-engineer queue 90.
    """
    _DIGEST_SECTIONS[key] = DigestSection(key, title, build, template, text_template, order, noun)


def digest_sections() -> list[DigestSection]:
    return sorted(_DIGEST_SECTIONS.values(), key=lambda s: (s.order, s.key))


def register_digest_projects(*, key: str, fetch: Callable[[Any, Any, Any], set[int]]) -> None:
    """Contribute to "a person's projects" for their digest: ``fetch(person, start, end)``
    answers project ids (one query), e.g. rotations during the week, ideas they own."""
    _DIGEST_PROJECTS[key] = fetch


def digest_projects(person, start, end) -> set[int]:
    found: set[int] = set()
    for _key, fetch in sorted(_DIGEST_PROJECTS.items()):
        found |= set(fetch(person, start, end))
    return found


# --- webhook events ----------------------------------------------------------------------

_WEBHOOK_EVENTS: dict[str, str] = {}


def register_webhook_events(events: Iterable[tuple[str, str]]) -> None:
    """Offer activity event types (``(value, description)``) to webhook subscriptions."""
    _WEBHOOK_EVENTS.update(dict(events))


def webhook_events() -> dict[str, str]:
    return dict(sorted(_WEBHOOK_EVENTS.items()))


# --- demo data ---------------------------------------------------------------------------

_SEEDS: dict[str, tuple[int, Callable[..., None]]] = {}


def register_seed(*, key: str, seed: Callable[..., None], order: int) -> None:
    """Add an app's demo data to ``manage.py seed_demo``; ``seed(stdout=...)`` must be
    idempotent. ``order`` follows the dependency order of the apps (people first)."""
    _SEEDS[key] = (order, seed)


def seeds() -> list[Callable[..., None]]:
    return [seed for _, seed in sorted(_SEEDS.values(), key=lambda item: item[0])]


# --- panels on an object's page ------------------------------------------------------------


@dataclass(frozen=True)
class ObjectPanel:
    key: str
    on: str  # the model label of the page's object, e.g. "research.idea"
    template: str
    context: Callable[[Any, Any], dict | None]
    order: int


_OBJECT_PANELS: dict[tuple[str, str], ObjectPanel] = {}


def register_object_panel(
    *, key: str, on: str, template: str, context: Callable[[Any, Any], dict | None], order: int
) -> None:
    """Add (or replace) a section on the page of each object of model ``on`` ("app.model").

    ``context(obj, user)`` returns what ``template`` needs, or ``None`` to leave the panel
    out; keep it to a fixed number of queries. The idea page of the research slice shows,
    for example, the data-gap requests and dependency flags of the idea.
    """
    _OBJECT_PANELS[(on, key)] = ObjectPanel(key, on, template, context, order)


def object_panels(obj, user) -> list[dict]:
    """``[{"template": ..., **context}, ...]`` in order for ``obj``'s page."""
    label = obj._meta.label_lower
    panels = []
    for panel in sorted(_OBJECT_PANELS.values(), key=lambda p: (p.order, p.key)):
        if panel.on != label:
            continue
        context = panel.context(obj, user)
        if context is not None:
            panels.append({"template": panel.template, **context})
    return panels


# --- badges on cards and rows ----------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    """A small marker beside an object's name: text that reads alone (never colour alone),
    a CSS modifier, an optional link and a longer description for the title attribute."""

    text: str
    css: str = ""
    url: str = ""
    description: str = ""


_BADGES: dict[tuple[str, str], Callable[[list], dict[int, list[Badge]]]] = {}


def register_badges(*, key: str, on: str, fetch: Callable[[list], dict[int, list[Badge]]]) -> None:
    """Add badges to the objects of model ``on`` ("app.model") wherever they are listed
    (board cards for "research.idea", the project header and list for "projects.project").

    ``fetch(objects)`` answers ``{pk: [Badge, ...]}`` for a whole list in a fixed number of
    queries, so a page of 5 or 50 rows costs the same.
    """
    _BADGES[(on, key)] = fetch


def badges_for(on: str, objects) -> dict[int, list[Badge]]:
    """Every registered badge of ``objects`` (all of model ``on``), by primary key."""
    objects = list(objects)
    found: dict[int, list[Badge]] = {obj.pk: [] for obj in objects}
    if not objects:
        return found
    for (label, _key), fetch in sorted(_BADGES.items()):
        if label != on:
            continue
        for pk, badges in fetch(objects).items():
            found.setdefault(pk, []).extend(badges)
    return found


# --- header search -------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    """One search result: its title, the text its snippet is cut from, where it lives, its
    rank within its type (higher first) and a short line of context ("Idea · Churn board")."""

    title: str
    text: str
    url: str
    rank: float = 0.0
    detail: str = ""


@dataclass(frozen=True)
class SearchProvider:
    key: str
    label: str
    search: Callable[[Any, str, int], list[SearchHit]]
    order: int


_SEARCH: dict[str, SearchProvider] = {}


def register_search(
    *, key: str, label: str, search: Callable[[Any, str, int], list[SearchHit]], order: int
) -> None:
    """Add (or replace) a kind of result of the header search (``key`` is its ``type``).

    ``search(user, query, limit)`` answers at most ``limit`` hits the user may see, best
    first, in one query (``core.search.text_search`` ranks on PostgreSQL and SQLite alike).
    ``order``: projects 10, boards 20, ideas 30, takeaways 40, people 50, data gaps 60,
    flags 70.
    """
    _SEARCH[key] = SearchProvider(key, label, search, order)


def search_providers() -> list[SearchProvider]:
    return sorted(_SEARCH.values(), key=lambda p: (p.order, p.key))


# --- counts on the portfolio's project rows ----------------------------------------------------


@dataclass(frozen=True)
class ProjectCount:
    """A count another app keeps about each project (open flags, open data gaps), shown,
    filtered on and exported by the portfolio without the projects app importing that app.

    ``expression()`` is an annotation on ``Project`` rows (a subquery on ``OuterRef("pk")``),
    so any number of counts joins the portfolio's one row query. ``noun`` reads the count
    ("1 open flag", "2 open flags"); ``url_name`` is the project tab that lists the items
    (reversed with ``slug=``).
    """

    key: str
    label: str
    noun: tuple[str, str]
    expression: Callable[[], Any]
    url_name: str
    order: int

    @property
    def field(self) -> str:
        """The annotation's name on a project row (and the API's field)."""
        return f"open_{self.key}"

    def text(self, count: int) -> str:
        return counted(count, *self.noun)


_PROJECT_COUNTS: dict[str, ProjectCount] = {}


def register_project_count(
    *,
    key: str,
    label: str,
    noun: tuple[str, str],
    expression: Callable[[], Any],
    url_name: str,
    order: int,
) -> None:
    """Add (or replace) the count ``key`` on every project row of the portfolio; ``key`` is
    a plain word (it names the ``open_<key>`` column and the "has open" filter's value)."""
    _PROJECT_COUNTS[key] = ProjectCount(key, label, noun, expression, url_name, order)


def project_counts() -> list[ProjectCount]:
    return sorted(_PROJECT_COUNTS.values(), key=lambda c: (c.order, c.key))


# --- download links on a page ----------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    key: str
    on: str
    label: str
    url: Callable[[Any, Any], str]
    order: int


_DOWNLOADS: dict[tuple[str, str], Download] = {}


def register_download(
    *, key: str, on: str, label: str, url: Callable[[Any, Any], str], order: int = 0
) -> None:
    """Offer a download (a CSV export, say) on page ``on`` ("datagaps.queue",
    "research.board") owned by an app below the one that makes the file.

    ``url(obj, request)`` is the link: the page's object (or ``None``) and its request, so
    the link can carry the page's filters. No queries.
    """
    _DOWNLOADS[(on, key)] = Download(key, on, label, url, order)


def downloads_for(on: str, obj, request) -> list[dict]:
    """``[{"label": ..., "url": ...}, ...]`` in order for page ``on``."""
    found = sorted((d for d in _DOWNLOADS.values() if d.on == on), key=lambda d: (d.order, d.key))
    return [{"label": d.label, "url": d.url(obj, request)} for d in found]
