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
