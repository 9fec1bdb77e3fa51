"""The activity log: the one function every slice records events with."""

from django.contrib.auth.models import User


def activity_record(
    *,
    actor: User | None,
    verb: str,
    target=None,
    project=None,
    data: dict | None = None,
):
    """Record one event in the activity log: ``actor`` ``verb`` ``target`` (in ``project``).

    The one function every slice calls after a create, change or transition, inside the
    same transaction, so an event exists exactly when the change does. ``data`` is a small
    JSON-safe dict of what changed.
    """
    from django.contrib.contenttypes.models import ContentType

    from ..models import Activity

    return Activity.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=getattr(target, "pk", None),
        target_repr=str(target)[:300] if target is not None else "",
        project=project,
        data=data or {},
    )
