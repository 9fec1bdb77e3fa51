"""The research demo data: idempotent, every status present, readings over eight weeks."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.registries import gate_problems
from projects.models import Phase, Project
from research.gates import NO_PROMOTED_IDEA
from research.models import Board, Idea, IdeaStatusChange, Reading, Status, Task
from research.selectors import board_funnel, progress_for_board

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_boards_once_with_every_status():
    call_command("seed_demo", stdout=StringIO())
    counts = {model: model.objects.count() for model in (Board, Idea, Reading, Task)}
    call_command("seed_demo", stdout=StringIO())
    assert {model: model.objects.count() for model in (Board, Idea, Reading, Task)} == counts
    assert counts[Board] == 3 and 18 <= counts[Idea] <= 25
    assert set(Idea.objects.values_list("status", flat=True)) == set(Status.values)
    oldest = Reading.objects.order_by("recorded_at").first().recorded_at
    assert 40 <= (timezone.now() - oldest).days <= 60
    assert Reading.objects.filter(recorded_at__gt=timezone.now()).count() == 0


def test_seeded_boards_narrow_and_have_progress():
    call_command("seed_demo", stdout=StringIO())
    board = Board.objects.get(project__slug="customer-lifetime-value")
    funnel = board_funnel(board)
    active_then = sum(series[1] for series in funnel["series"].values())
    active_now = sum(series[-1] for series in funnel["series"].values())
    assert active_now < active_then
    progress = progress_for_board(board)
    assert any(p.clears_bar for p in progress.values())
    project = Project.objects.get(slug="customer-lifetime-value")
    assert NO_PROMOTED_IDEA not in gate_problems(project, Phase.IMPLEMENTATION)


def test_the_demo_shows_a_promotion_below_the_gain_bar():
    call_command("seed_demo", stdout=StringIO())
    change = IdeaStatusChange.objects.get(below_bar=True)
    assert change.idea.title == "Propensity model on CRM stages"
    assert change.gain_bar == 2.0 and 0 < change.gain_pct < 2.0
    assert IdeaStatusChange.objects.filter(below_bar=True).count() == 1
