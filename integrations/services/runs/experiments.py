"""Experiments are boards: the name of a board's experiment, and creating the board an
experiment name names."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from research.models import Board
from research.services import board_create

from .parsing import _text


class AlreadyExists(Exception):
    """The experiment (board) being created exists already."""


def experiment_name(board: Board) -> str:
    """``project-slug/Board title``: the MLflow experiment name of a board."""
    return f"{board.project.slug}/{board.title}"


@transaction.atomic
def experiment_create(*, name: str, actor: User) -> Board:
    """Create the board an experiment name names (``project-slug/Board title``); managers
    only, as for any board. An existing board is :class:`AlreadyExists`."""
    from projects.models import Project

    from ...selectors import board_for_experiment

    name = _text(name, "name", 500).strip()
    slug, _, title = name.partition("/")
    if not slug or not title.strip():
        raise ValidationError(
            {"name": "Name the experiment 'project-slug/Board title' (the project and board)."}
        )
    if board_for_experiment(name) is not None:
        raise AlreadyExists(f"Experiment '{name}' already exists.")
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        raise ValidationError({"name": f"No project with the slug '{slug}'."})
    return board_create(project=project, title=title.strip(), actor=actor)
