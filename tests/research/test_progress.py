"""Progress arithmetic, in both metric directions, and the progress selectors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from research.models import Direction, Status
from research.selectors import (
    board_funnel,
    metric_best_ideas,
    progress_compute,
    progress_for_board,
    progress_for_ideas,
    since_days_parse,
)
from tests.factories import BoardFactory, IdeaFactory, MetricFactory, ReadingFactory


@pytest.mark.parametrize(
    ("latest", "past", "baseline", "direction", "bar", "expected"),
    [
        # higher is better: 0.84 over 0.80 is +5 %, clears a 2 % bar, went up from 0.82
        (0.84, 0.82, 0.80, Direction.HIGHER, 2.0, (0.02, 5.0, True, True)),
        # higher is better, below baseline: negative gain, does not clear
        (0.78, 0.80, 0.80, Direction.HIGHER, 2.0, (-0.02, -2.5, False, False)),
        # lower is better: RMSE 9 against 10 is a 10 % gain; falling from 9.5 is improving
        (9.0, 9.5, 10.0, Direction.LOWER, 2.0, (-0.5, 10.0, True, True)),
        # lower is better, worse than baseline and rising
        (10.5, 10.0, 10.0, Direction.LOWER, 2.0, (0.5, -5.0, False, False)),
        # exactly on the bar clears it
        (102.0, None, 100.0, Direction.HIGHER, 2.0, (None, 2.0, True, None)),
        # baseline 0: the relative gain is undefined, the change is not
        (0.3, 0.1, 0.0, Direction.HIGHER, 2.0, (0.2, None, None, True)),
        # negative baseline: relative to its magnitude
        (-8.0, None, -10.0, Direction.HIGHER, 2.0, (None, 20.0, True, None)),
        # no readings at all
        (None, None, 0.8, Direction.HIGHER, 2.0, (None, None, None, None)),
        # unchanged: neither improved nor worsened
        (0.8, 0.8, 0.8, Direction.LOWER, 0.0, (0.0, 0.0, True, None)),
        # finite readings whose difference or gain overflows a float: unknown, not infinity
        (1.7e308, -1.7e308, 0.8, Direction.HIGHER, 2.0, (None, None, None, None)),
        (-1.7e308, 1.7e308, 1e-300, Direction.LOWER, 2.0, (None, None, None, None)),
    ],
)
def test_progress_compute(latest, past, baseline, direction, bar, expected):
    result = progress_compute(
        latest=latest, past=past, baseline=baseline, direction=direction, gain_bar=bar
    )
    change, gain, clears, improved = expected
    assert (
        result["change"] == pytest.approx(change)
        if change is not None
        else result["change"] is None
    )
    assert (
        result["gain_pct"] == pytest.approx(gain)
        if gain is not None
        else result["gain_pct"] is None
    )
    assert result["clears_bar"] is clears
    assert result["improved"] is improved


def test_since_days_parse_falls_back_to_seven_on_bad_input():
    assert since_days_parse("3") == 3
    assert since_days_parse(None) == 7
    assert since_days_parse("0") == 7
    assert since_days_parse("abc") == 7
    assert since_days_parse("400") == 7


@pytest.mark.django_db
def test_progress_for_board_uses_latest_and_value_as_of_n_days_ago():
    now = timezone.now()
    board = BoardFactory(gain_bar=2.0)
    auc = MetricFactory(board=board, baseline=0.80, direction=Direction.HIGHER)
    rmse = MetricFactory(board=board, name="RMSE", baseline=10.0, direction=Direction.LOWER)
    good, bad, silent = IdeaFactory.create_batch(3, board=board)
    for days, value in [(20, 0.70), (8, 0.81), (5, 0.83), (1, 0.85)]:
        ReadingFactory(idea=good, metric=auc, value=value, recorded_at=now - timedelta(days=days))
    ReadingFactory(idea=bad, metric=auc, value=0.79, recorded_at=now - timedelta(days=2))
    ReadingFactory(idea=good, metric=rmse, value=9.0, recorded_at=now - timedelta(days=10))
    ReadingFactory(idea=good, metric=rmse, value=9.6, recorded_at=now - timedelta(hours=1))
    # another idea's readings never leak in
    ReadingFactory(value=99.0)

    progress = progress_for_board(board, since_days=7, now=now)

    assert len(progress) == 6
    p = progress[(good.pk, auc.pk)]
    assert p.latest == pytest.approx(0.85)
    assert p.past == pytest.approx(0.81)
    assert p.change == pytest.approx(0.04)
    assert p.gain_pct == pytest.approx(6.25)
    assert p.clears_bar is True and p.improved is True and p.is_best is True
    assert p.trend == "up"
    q = progress[(bad.pk, auc.pk)]
    assert q.past is None and q.change is None
    assert q.clears_bar is False and q.is_best is False
    r = progress[(good.pk, rmse.pk)]
    assert r.change == pytest.approx(0.6)
    assert r.improved is False  # RMSE went up: worse
    assert r.gain_pct == pytest.approx(4.0)
    empty = progress[(silent.pk, rmse.pk)]
    assert empty.latest is None and empty.gain_pct is None and empty.clears_bar is None

    # a shorter window compares with a more recent value
    p2 = progress_for_board(board, since_days=2, now=now)[(good.pk, auc.pk)]
    assert p2.past == pytest.approx(0.83)


@pytest.mark.django_db
def test_best_idea_respects_direction_and_skips_dropped():
    board = BoardFactory()
    rmse = MetricFactory(board=board, name="RMSE", baseline=10.0, direction=Direction.LOWER)
    low, high = IdeaFactory.create_batch(2, board=board)
    dropped = IdeaFactory(board=board, status=Status.DROPPED, dropped_reason="leaks labels")
    ReadingFactory(idea=low, metric=rmse, value=8.0)
    ReadingFactory(idea=high, metric=rmse, value=9.0)
    ReadingFactory(idea=dropped, metric=rmse, value=1.0)
    progress = progress_for_board(board)
    assert progress[(low.pk, rmse.pk)].is_best
    assert not progress[(dropped.pk, rmse.pk)].is_best
    assert metric_best_ideas([rmse]) == {rmse.pk: (low.pk, 8.0)}


@pytest.mark.django_db
def test_progress_for_ideas_covers_each_ideas_own_board_metrics():
    first, second = IdeaFactory(), IdeaFactory()
    m1 = MetricFactory(board=first.board)
    m2 = MetricFactory(board=second.board)
    ReadingFactory(idea=first, metric=m1, value=0.9)
    progress = progress_for_ideas([first, second])
    assert set(progress) == {(first.pk, m1.pk), (second.pk, m2.pk)}
    assert progress_for_ideas([]) == {}


@pytest.mark.django_db
def test_board_funnel_replays_status_changes(member):
    from research.models import IdeaStatusChange

    now = timezone.now()
    board = BoardFactory()
    ideas = IdeaFactory.create_batch(3, board=board)
    for idea in ideas:
        IdeaStatusChange.objects.create(
            idea=idea, board=board, to_status="proposed", created_at=now - timedelta(days=20)
        )
    IdeaStatusChange.objects.create(
        idea=ideas[0], board=board, from_status="proposed", to_status="exploring",
        created_at=now - timedelta(days=10),
    )  # fmt: skip
    IdeaStatusChange.objects.create(
        idea=ideas[1], board=board, from_status="proposed", to_status="dropped",
        created_at=now - timedelta(days=3),
    )  # fmt: skip
    funnel = board_funnel(board, weeks=4, now=now)
    assert funnel["labels"][-1] == "now"
    assert funnel["series"]["proposed"] == [0, 0, 3, 2, 1]
    assert funnel["series"]["exploring"] == [0, 0, 0, 1, 1]
    assert "dropped" not in funnel["series"]
