"""Helpers every app's services share: change tracking, validation, date bounds, tags."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.text import slugify

# Dates the services accept: wide enough for any real plan, narrow enough that week
# arithmetic on them (timelines, allocation warnings) never leaves Python's date range.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2200, 12, 31)


def json_safe(value: Any) -> Any:
    """A value as it is stored in an activity event's data (dates as ISO, objects as ids)."""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def apply_changes(instance, changes: dict[str, Any]) -> dict[str, list]:
    """Set ``changes`` on ``instance``; return ``{field: [old, new]}`` for what really changed.

    The one update shape of every service: :func:`save_changed`, and record an event only
    when this is not empty.
    """
    changed: dict[str, list] = {}
    for field, new in changes.items():
        old = getattr(instance, field)
        if old != new:
            changed[field] = [json_safe(old), json_safe(new)]
            setattr(instance, field, new)
    return changed


def save_changed(instance, changed: dict) -> None:
    """Save only the fields that changed (and ``updated_at`` where the model keeps one)."""
    fields = list(changed)
    if any(field.name == "updated_at" for field in instance._meta.concrete_fields):
        fields.append("updated_at")
    instance.save(update_fields=fields)


def refuse_unknown_fields(changes: dict[str, Any], editable: tuple[str, ...]) -> None:
    """Refuse changes to fields outside ``editable``, as field messages."""
    unknown = set(changes) - set(editable)
    if unknown:
        raise ValidationError({field: "This field cannot be changed here." for field in unknown})


def full_clean(instance, exclude: list[str] | None = None) -> None:
    """Field, choice and constraint validation, raised as field messages before any write."""
    instance.full_clean(exclude=exclude, validate_unique=True, validate_constraints=True)


def check_date_range(instance, fields: tuple[str, ...]) -> None:
    """Refuse dates outside :data:`EARLIEST_DATE`..:data:`LATEST_DATE`, as field messages."""
    errors = {}
    for field in fields:
        value = getattr(instance, field, None)
        if isinstance(value, datetime.date) and not EARLIEST_DATE <= value <= LATEST_DATE:
            errors[field] = (
                f"Use a date between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}."
            )
    if errors:
        raise ValidationError(errors)


def normalise_tags(tags: str | list[str] | None) -> str:
    """``"ML, churn ,ml"`` → ``",churn,ml,"``: lower-case, unique, sorted, comma-wrapped."""
    if tags is None:
        return ""
    items = tags.split(",") if isinstance(tags, str) else tags
    cleaned = sorted({slugify(str(tag).strip()) for tag in items if str(tag).strip()})
    cleaned = [tag for tag in cleaned if tag]
    return f",{','.join(cleaned)}," if cleaned else ""


# PostgreSQL text (and jsonb, where activity events copy the changes) cannot hold NUL: storing
# one is a database error, a 500. Every form and the single-reading API already refuse it with
# this validator (Django and DRF put it on every CharField); the services apply the same one,
# so the bulk paths, the CSV import and any other caller get the same field message.
_prohibit_nul = ProhibitNullCharactersValidator()


def nul_message(value) -> str:
    """``""`` when ``value`` can be stored as text, else the message refusing its NUL."""
    try:
        _prohibit_nul(value)
    except ValidationError as error:
        return error.messages[0]
    return ""


def refuse_nul(**values) -> None:
    """Refuse every keyword whose text holds a NUL character, as a message on that field."""
    errors = {field: message for field, value in values.items() if (message := nul_message(value))}
    if errors:
        raise ValidationError(errors)
