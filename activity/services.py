"""The activity log: the one function every app records events with."""

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from .models import Activity, EventType


def activity_record(
    *,
    actor: User | None,
    event: EventType | str,
    target=None,
    project=None,
    data: dict | None = None,
) -> Activity:
    """Record one event: ``actor`` did ``event`` to ``target`` (in ``project``).

    Every service calls it after a create, change or transition, inside the same
    transaction, so an event exists exactly when the change does. ``event`` must be one of
    :class:`EventType` (a programming error otherwise); ``data`` is a small JSON-safe dict
    of what changed.
    """
    if event not in EventType.values:
        raise ValueError(f"Unknown activity event type {event!r}; add it to EventType.")
    return Activity.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        event=event,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=getattr(target, "pk", None),
        target_repr=str(target)[:300] if target is not None else "",
        project=project,
        data=data or {},
    )


def activity_backdate(*, target, moments: list) -> None:
    """Demo data only: date ``target``'s events (oldest first) at ``moments`` in turn, the
    events past the last moment at the last one, so a seeded history reads like the rest of
    the demo (spread over past months) instead of all happening when the seed ran."""
    if not moments:
        return
    events = Activity.objects.filter(
        target_type=ContentType.objects.get_for_model(type(target)), target_id=target.pk
    ).order_by("created_at", "id")
    for index, pk in enumerate(events.values_list("pk", flat=True)):
        Activity.objects.filter(pk=pk).update(created_at=moments[min(index, len(moments) - 1)])
