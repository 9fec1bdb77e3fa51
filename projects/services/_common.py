"""Helpers shared by the services: change tracking, validation, tag normalising."""

import datetime
from typing import Any

from django.utils.text import slugify


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _apply_changes(instance, changes: dict[str, Any]) -> dict[str, list]:
    """Set ``changes`` on ``instance``; return ``{field: [old, new]}`` for what really changed."""
    changed: dict[str, list] = {}
    for field, new in changes.items():
        old = getattr(instance, field)
        if old != new:
            changed[field] = [_json_safe(old), _json_safe(new)]
            setattr(instance, field, new)
    return changed


def _full_clean(instance, exclude: list[str] | None = None) -> None:
    """Field, choice and constraint validation, raised as field messages before any write."""
    instance.full_clean(exclude=exclude, validate_unique=True, validate_constraints=True)


def normalise_tags(tags: str | list[str] | None) -> str:
    """``"ML, churn ,ml"`` → ``",churn,ml,"``: lower-case, unique, sorted, comma-wrapped."""
    if tags is None:
        return ""
    items = tags.split(",") if isinstance(tags, str) else tags
    cleaned = sorted({slugify(str(tag).strip()) for tag in items if str(tag).strip()})
    cleaned = [tag for tag in cleaned if tag]
    return f",{','.join(cleaned)}," if cleaned else ""
