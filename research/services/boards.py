"""Boards and their metrics: managers create and change them."""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from activity.models import EventType
from activity.services import activity_record
from core.services import apply_changes, full_clean, refuse_unknown_fields, save_changed
from projects.models import Project

from ..cache import changes_research_data
from ..models import GAIN_BAR_MAX, GAIN_BAR_MESSAGE, GAIN_BAR_MIN, Board, Direction, Metric
from ..permissions import require_manage_boards
from ._common import finite, refuse_nul


def _gain_bar(value) -> float:
    """A finite gain bar from ``GAIN_BAR_MIN`` to ``GAIN_BAR_MAX`` % (both accepted), or a
    field message that says what the two ends mean."""
    number = finite(value, "gain_bar")
    if not GAIN_BAR_MIN <= number <= GAIN_BAR_MAX:
        raise ValidationError({"gain_bar": GAIN_BAR_MESSAGE})
    return number


def _num(value: float) -> str:
    return f"{value:,.6g}"


def metric_target_problem(*, direction: str, baseline: float, target: float | None) -> str:
    """Why ``target`` cannot be this metric's target, or "" when it can.

    A target is an improvement: strictly above the baseline when higher is better, strictly
    below when lower is better. A target equal to the baseline asks for nothing and is
    refused too. The ``metric_target_beyond_baseline`` constraint holds the same rule.
    """
    if target is None:
        return ""
    if direction == Direction.HIGHER and not target > baseline:
        return (
            f"Higher is better for this metric, so the target must be above the baseline "
            f"({_num(baseline)}); {_num(target)} is not."
        )
    if direction == Direction.LOWER and not target < baseline:
        return (
            f"Lower is better for this metric, so the target must be below the baseline "
            f"({_num(baseline)}); {_num(target)} is not."
        )
    return ""


def _check_target(metric: Metric) -> None:
    problem = metric_target_problem(
        direction=metric.direction, baseline=metric.baseline, target=metric.target
    )
    if problem:
        raise ValidationError({"target": problem})


BOARD_EDITABLE_FIELDS = ("title", "question", "gain_bar", "primary_metric")
METRIC_EDITABLE_FIELDS = ("name", "unit", "direction", "baseline", "target")


@transaction.atomic
@changes_research_data
def board_create(
    *,
    project: Project,
    title: str,
    actor: User,
    question: str = "",
    gain_bar: float = 2.0,
    primary_metric: dict | None = None,
) -> Board:
    """Create a board on ``project``; managers only. Titles are unique per project.

    ``primary_metric`` (the keyword arguments of ``metric_create``) creates the board's
    primary metric in the same transaction.
    """
    require_manage_boards(actor)
    refuse_nul(title=title, question=question)
    board = Board(
        project=project,
        title=title.strip(),
        question=question.strip(),
        gain_bar=_gain_bar(gain_bar),
        created_by=actor,
    )
    full_clean(board, exclude=["primary_metric", "created_by"])
    board.save()
    activity_record(
        actor=actor,
        event=EventType.BOARD_CREATED,
        target=board,
        project=project,
        data={"board": board.pk},
    )
    if primary_metric:
        metric_create(board=board, actor=actor, make_primary=True, **primary_metric)
        board.refresh_from_db()
    return board


@transaction.atomic
@changes_research_data
def board_update(*, board: Board, actor: User, **changes: Any) -> Board:
    """Change a board's ``BOARD_EDITABLE_FIELDS``; managers only.

    The primary metric must be one of the board's own metrics. Saves and records an event
    only when something changed.
    """
    require_manage_boards(actor)
    refuse_unknown_fields(changes, BOARD_EDITABLE_FIELDS)
    board = Board.objects.select_for_update(of=("self",)).select_related("project").get(pk=board.pk)
    for field in ("title", "question"):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
            refuse_nul(**{field: changes[field]})
    if "gain_bar" in changes:
        changes["gain_bar"] = _gain_bar(changes["gain_bar"])
    metric = changes.get("primary_metric")
    if metric is not None and metric.board_id != board.pk:
        raise ValidationError({"primary_metric": "Choose one of this board's metrics."})
    changed = apply_changes(board, changes)
    full_clean(board, exclude=["created_by"])
    if changed:
        save_changed(board, changed)
        activity_record(
            actor=actor,
            event=EventType.BOARD_UPDATED,
            target=board,
            project=board.project,
            data={"board": board.pk, **changed},
        )
    return board


@transaction.atomic
@changes_research_data
def metric_create(
    *,
    board: Board,
    name: str,
    baseline: float,
    actor: User,
    unit: str = "",
    direction: str = Direction.HIGHER,
    target: float | None = None,
    make_primary: bool = False,
) -> Metric:
    """Add a metric to ``board``; managers only. Baseline and target must be finite, and
    the target on the better side of the baseline (``metric_target_problem``).

    The board's first metric becomes its primary metric, as does any with ``make_primary``.
    """
    require_manage_boards(actor)
    refuse_nul(name=name, unit=unit)
    metric = Metric(
        board=board,
        name=name.strip(),
        unit=unit.strip(),
        direction=direction,
        baseline=finite(baseline, "baseline"),
        target=None if target is None else finite(target, "target"),
    )
    _check_target(metric)  # before full_clean: its constraint check has no words for it
    full_clean(metric)
    metric.save()
    if make_primary or board.primary_metric_id is None:
        Board.objects.filter(pk=board.pk).update(primary_metric=metric)
        board.primary_metric = metric
    activity_record(
        actor=actor,
        event=EventType.METRIC_CREATED,
        target=metric,
        project=board.project,
        data={"board": board.pk, "metric": metric.pk},
    )
    return metric


@transaction.atomic
@changes_research_data
def metric_update(*, metric: Metric, actor: User, **changes: Any) -> Metric:
    """Change a metric's ``METRIC_EDITABLE_FIELDS``; managers only. Baseline and target
    must be finite and the resulting target on the better side of the resulting baseline;
    ``target=None`` clears the target. Saves and records an event only when
    something changed.
    """
    require_manage_boards(actor)
    refuse_unknown_fields(changes, METRIC_EDITABLE_FIELDS)
    metric = (
        Metric.objects.select_for_update(of=("self",))
        .select_related("board__project")
        .get(pk=metric.pk)
    )
    for field in ("name", "unit"):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
            refuse_nul(**{field: changes[field]})
    if "baseline" in changes:
        changes["baseline"] = finite(changes["baseline"], "baseline")
    if changes.get("target") is not None:
        changes["target"] = finite(changes["target"], "target")
    changed = apply_changes(metric, changes)
    # Checked on the result, so changing only the direction or the baseline is held to it
    # too; before full_clean, whose constraint check has no words for it.
    _check_target(metric)
    full_clean(metric)
    if changed:
        save_changed(metric, changed)
        activity_record(
            actor=actor,
            event=EventType.METRIC_UPDATED,
            target=metric,
            project=metric.board.project,
            data={"metric": metric.pk, **changed},
        )
    return metric
