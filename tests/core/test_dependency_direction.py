"""Dependencies point one way: core <- accounts <- activity <- projects <- research <- datagaps
<- flags <- digests.

A module may import from its own app and the apps to its left, never to its right, not even
inside a function (that is how import cycles hide). ``core`` imports none of the apps; an app
reaches "up" only through ``core.registries``. Migrations are left out: they name models of
other apps by string, as Django writes them.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORDER = [
    "core", "accounts", "activity", "projects", "research", "datagaps", "flags", "digests",
    "integrations",
]  # fmt: skip


def _modules(app: str) -> list[Path]:
    return sorted(
        path
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def _imports_with_names(source: str, package: str) -> list[tuple[int, str, list[str]]]:
    """(line, absolute module, names taken from it) for every import in ``source``, at any
    depth (functions too); relative imports are resolved against ``package``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - (node.level - 1)]
                module = ".".join([*base, module] if module else base)
            found.append((node.lineno, module, [alias.name for alias in node.names]))
    return sorted(found)


def _imports(source: str, package: str) -> list[tuple[int, str]]:
    return [(line, module) for line, module, _ in _imports_with_names(source, package)]


def _package_of(path: Path) -> str:
    """The package relative imports in ``path`` start from (``a.b`` for a/b/c.py and for
    a/b/__init__.py alike)."""
    return ".".join(path.relative_to(ROOT).parts[:-1])


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_apps(path: Path) -> list[tuple[int, str, str]]:
    """(line, imported module, its app) for every import of one of ORDER's apps in ``path``."""
    return [
        (line, module, module.split(".", 1)[0])
        for line, module in _imports(path.read_text(), _package_of(path))
        if module.split(".", 1)[0] in ORDER
    ]


def _offences(app: str) -> list[str]:
    allowed = set(ORDER[: ORDER.index(app) + 1])
    offences = []
    for path in _modules(app):
        for line, module, imported in _imported_apps(path):
            if imported not in allowed:
                offences.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return offences


@pytest.mark.parametrize("app", ORDER)
def test_no_app_imports_an_app_to_its_right(app):
    offences = _offences(app)
    assert not offences, (
        f"{app} may import only {', '.join(ORDER[: ORDER.index(app) + 1])}; reach the others "
        "through core.registries:\n" + "\n".join(offences)
    )


def test_core_imports_no_app():
    offences = _offences("core")
    assert not offences, "core knows no app:\n" + "\n".join(offences)


def _import_graph() -> dict[str, list[tuple[str, int]]]:
    """Module -> [(module it imports, line)], between the modules of ORDER's apps; ``from
    package import submodule`` points at the submodule."""
    paths = {_module_name(path): path for app in ORDER for path in _modules(app)}
    graph: dict[str, list[tuple[str, int]]] = {name: [] for name in paths}
    for name, path in paths.items():
        for line, module, names in _imports_with_names(path.read_text(), _package_of(path)):
            targets = [f"{module}.{n}" for n in names if f"{module}.{n}" in paths]
            if not targets and module in paths:
                targets = [module]
            graph[name] += [(target, line) for target in targets if target != name]
    return graph


def _cycles(graph: dict[str, list[tuple[str, int]]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target, _ in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_no_import_cycles_not_even_inside_functions():
    """An import inside a function that closes a loop is still a cycle: it hides a tangle
    (e.g. services -> tasks -> services) that the layering should untie."""
    graph = _import_graph()
    report = []
    for group in _cycles(graph):
        members = set(group)
        edges = [
            f"  {source} (line {line}) imports {target}"
            for source in group
            for target, line in graph[source]
            if target in members
        ]
        report.append(" <-> ".join(group) + "\n" + "\n".join(edges))
    assert not report, "Import cycles:\n" + "\n".join(report)


def test_the_cycle_finder_finds_a_loop_through_a_function_import():
    graph = {
        "projects.services": [("projects.services.phases", 1)],
        "projects.services.phases": [("projects.tasks", 9)],
        "projects.tasks": [("projects.services", 17)],
        "projects.models": [],
    }
    assert _cycles(graph) == [["projects.services", "projects.services.phases", "projects.tasks"]]
    graph["projects.tasks"] = []
    assert _cycles(graph) == []


def test_every_app_has_modules_to_check():
    """A renamed folder must not make the checks above pass by finding nothing."""
    for app in ORDER:
        assert len(_modules(app)) >= 3, app


def test_the_checker_sees_imports_inside_functions_and_relative_ones():
    """The parser finds an import hidden in a function body and resolves relative ones."""
    source = (
        "import core.registries\n"
        "def later():\n"
        "    from research.models import Idea\n"
        "    import projects.tasks as tasks\n"
        "    from ..projects import selectors\n"
        "    from . import services\n"
    )
    assert _imports(source, "activity.api") == [
        (1, "core.registries"),
        (3, "research.models"),
        (4, "projects.tasks"),
        (5, "activity.projects"),
        (6, "activity.api"),
    ]
    assert _imports("from ...projects import x\n", "activity.api.inner") == [
        (1, "activity.projects")
    ]
    assert _imports("from .. import selectors\n", "projects.services") == [(1, "projects")]
    init = ROOT / "projects" / "services" / "__init__.py"
    assert _package_of(init) == "projects.services"
    assert _module_name(init) == "projects.services"
    assert _package_of(ROOT / "projects" / "tasks.py") == "projects"
