"""A client generated from the schema by openapi-python-client works against the server.

The schema is dumped with ``manage.py spectacular`` (failing on any warning), a client is
generated from it (failing on any operation the generator skips or cannot parse), every
generated module is imported, and a researcher's workflow runs through it against Tandem
under gunicorn with a bearer token: list projects, propose an idea, post readings in bulk,
move the idea on.
"""

import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from research.models import Idea, Reading, Status

PACKAGE = "tandem_client"
# openapi-python-client's words when it drops or mangles part of a schema.
GENERATOR_PROBLEMS = ("warning", "unable to parse", "will not be generated", "skipping", "cannot")


@pytest.fixture
def schema_file(tmp_path) -> Path:
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(path), "--validate", "--fail-on-warn")
    return path


@pytest.fixture
def generated_client(schema_file, tmp_path):
    """The generated package, imported; its operations by module name."""
    venv_bin = Path(sys.executable).parent
    output = tmp_path / PACKAGE
    run = subprocess.run(
        [
            str(venv_bin / "openapi-python-client"), "generate",
            "--path", str(schema_file), "--output-path", str(output), "--meta", "none",
        ],
        cwd=tmp_path,
        # The generator formats its output with ruff, which must be on PATH.
        env={**os.environ, "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    problems = [
        line for line in said.splitlines() if any(p in line.lower() for p in GENERATOR_PROBLEMS)
    ]
    assert not problems, f"the generator reported problems:\n{said}"
    sys.path.insert(0, str(tmp_path))
    try:
        package = importlib.import_module(PACKAGE)
        api = importlib.import_module(f"{PACKAGE}.api.v1")
        modules = {
            info.name: importlib.import_module(f"{PACKAGE}.api.v1.{info.name}")
            for info in pkgutil.iter_modules(api.__path__)
        }
        models = importlib.import_module(f"{PACKAGE}.models")
        yield package, modules, models
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def test_every_operation_of_the_schema_is_generated(schema_file, generated_client):
    import yaml

    schema = yaml.safe_load(schema_file.read_text())
    operation_ids = {
        operation["operationId"]
        for item in schema["paths"].values()
        for method, operation in item.items()
        if method in {"get", "put", "post", "patch", "delete"}
    }
    _, modules, _ = generated_client
    assert len(operation_ids) >= 50
    assert set(modules) == operation_ids
    for name, module in modules.items():
        assert callable(getattr(module, "sync_detailed", None)), name


def test_a_research_workflow_through_the_generated_client(live_api, generated_client):
    package, ops, models = generated_client
    client = package.AuthenticatedClient(base_url=live_api.url, token=live_api.tokens["member"])

    projects = ops["v1_projects_list"].sync(client=client)
    assert isinstance(projects, models.PaginatedProjectList), projects
    assert projects.count >= 1 and projects.results

    boards = ops["v1_boards_list"].sync(client=client)
    assert isinstance(boards, models.PaginatedBoardList), boards
    board = next(b for b in boards.results if b.metrics)

    idea = ops["v1_ideas_create"].sync(
        client=client,
        body=models.IdeaCreateRequest(board=board.id, title="Calibrated gradient boosting"),
    )
    assert isinstance(idea, models.Idea), idea
    assert idea.status == models.StatusEnum.PROPOSED
    assert idea.allowed_transitions

    readings = [
        models.ReadingCreateRequest(
            idea=idea.id, metric=metric.id, value=0.8 + step / 100, source="generated-client"
        )
        for metric in board.metrics
        for step in range(3)
    ]
    created = ops["v1_readings_create"].sync(client=client, body=readings)
    assert isinstance(created, models.BulkCreated), created
    assert created.created == len(readings) == 3 * len(board.metrics)

    listed = ops["v1_readings_list"].sync(client=client, idea=idea.id)
    assert isinstance(listed, models.PaginatedReadingList), listed
    assert listed.count == len(readings)
    assert {r.source for r in listed.results} == {"generated-client"}

    moved = ops["v1_ideas_transition_create"].sync(
        id=idea.id,
        client=client,
        body=models.TransitionRequest(
            to=models.StatusEnum.EXPLORING, expected_from=models.StatusEnum.PROPOSED
        ),
    )
    assert isinstance(moved, models.Idea), moved
    assert moved.status == models.StatusEnum.EXPLORING
    assert {p.metric for p in moved.progress} == {m.id for m in board.metrics}

    refused = ops["v1_ideas_transition_create"].sync_detailed(
        id=idea.id, client=client, body=models.TransitionRequest(to=models.StatusEnum.PROMOTED)
    )
    assert refused.status_code == 400
    assert isinstance(refused.parsed, models.ValidationError), refused.content

    stored = Idea.objects.get(pk=idea.id)
    assert stored.status == Status.EXPLORING and stored.title == "Calibrated gradient boosting"
    assert Reading.objects.filter(idea=stored, source="generated-client").count() == len(readings)
