"""The research slice's sections of the weekly digest, and its part of "a person's projects"
(the projects of the ideas they own). One query per builder."""

import datetime

from django.db.models import F, OuterRef, Subquery

from core.registries import DigestContext
from core.text import percent

from .models import ACTIVE_STATUSES, Direction, Idea, IdeaStatusChange, Metric, Reading

MOVERS = 5
# Moves smaller than this (0.05 %) read as "0.0 %": not news.
MIN_MOVE = 0.0005


def digest_projects(person, start: datetime.datetime, end: datetime.datetime) -> set[int]:
    """Projects of the ideas the person owns."""
    return set(Idea.objects.filter(owner=person).values_list("board__project_id", flat=True))


def relative_change(past: float, latest: float, direction: str) -> float | None:
    """How much better (positive) or worse the latest value is than the past one, relative
    to the past one's size; ``None`` when the past value is 0."""
    if past == 0:
        return None
    better_by = latest - past if direction == Direction.HIGHER else past - latest
    return better_by / abs(past)


def metric_movers(ctx: DigestContext) -> list[dict]:
    """The ideas on the person's projects whose metrics moved most this week: the largest
    relative change between the value as of the week's start and as of its end,
    direction-aware (an error that fell is an improvement), improvements and setbacks alike,
    largest first."""
    readings = Reading.objects.filter(idea_id=OuterRef("idea_id"), metric_id=OuterRef("pk"))
    newest = readings.order_by("-recorded_at", "-id")
    rows = (
        Metric.objects.filter(board__project_id__in=ctx.project_ids)
        .annotate(
            idea_id=F("board__ideas__id"),
            idea_title=F("board__ideas__title"),
            past=Subquery(newest.filter(recorded_at__lt=ctx.start).values("value")[:1]),
            latest=Subquery(newest.filter(recorded_at__lt=ctx.end).values("value")[:1]),
        )
        .filter(idea_id__isnull=False)
        .values("name", "unit", "direction", "idea_id", "idea_title", "past", "latest")
    )
    movers = []
    for row in rows:
        if row["past"] is None or row["latest"] is None or row["past"] == row["latest"]:
            continue
        change = relative_change(row["past"], row["latest"], row["direction"])
        if change is None or abs(change) < MIN_MOVE:
            continue
        word = "improved" if change > 0 else "worsened"
        unit = f" {row['unit']}" if row["unit"] else ""
        movers.append(
            {
                "change": change,
                "text": f"{row['idea_title']}: {row['name']} {word} {percent(abs(change) * 100)}",
                "url": ctx.link(f"/research/ideas/{row['idea_id']}/"),
                "detail": f"{row['past']:g}{unit} → {row['latest']:g}{unit}",
            }
        )
    movers.sort(key=lambda mover: (-abs(mover["change"]), mover["text"]))
    return movers[:MOVERS]


def board_narrowing(ctx: DigestContext) -> list[dict]:
    """Per board of the person's projects whose funnel changed this week: how many ideas
    were active (neither dropped nor yet to exist) at the week's start and at its end."""

    def status_at(moment):
        return Subquery(
            IdeaStatusChange.objects.filter(idea_id=OuterRef("pk"), created_at__lt=moment)
            .order_by("-created_at", "-id")
            .values("to_status")[:1]
        )

    rows = (
        Idea.objects.filter(board__project_id__in=ctx.project_ids)
        .annotate(before=status_at(ctx.start), after=status_at(ctx.end))
        .values("board_id", "board__title", "board__project__name", "before", "after")
        .order_by("board__project__name", "board__title")
    )
    boards: dict[int, dict] = {}
    for row in rows:
        board = boards.setdefault(
            row["board_id"],
            {
                "title": row["board__title"],
                "project": row["board__project__name"],
                "before": 0,
                "after": 0,
                "changed": False,
            },
        )
        board["before"] += row["before"] in ACTIVE_STATUSES
        board["after"] += row["after"] in ACTIVE_STATUSES
        board["changed"] |= row["before"] != row["after"]
    return [
        {
            "text": f"{board['title']} ({board['project']}): {board['before']} → "
            f"{board['after']} active ideas",
            "url": ctx.link(f"/research/boards/{board_id}/"),
            "detail": "narrowed" if board["after"] < board["before"] else "",
        }
        for board_id, board in boards.items()
        if board["changed"]
    ]
