"""Form helpers shared by every app's HTML views."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import fields_for_model, model_to_dict


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class _ServiceForm(forms.Form):
    """Starts from ``instance``'s values when given one (its own fields only)."""

    def __init__(self, *args, instance: models.Model | None = None, **kwargs):
        if instance is not None:
            initial = model_to_dict(instance, fields=list(self.base_fields))
            kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)


def service_form(
    model: type[models.Model],
    fields: tuple[str, ...],
    *,
    widgets: dict | None = None,
    labels: dict | None = None,
    help_texts: dict | None = None,
) -> type[forms.Form]:
    """A Form base class with one field per name in ``fields`` (a service's editable-field
    tuple), generated from ``model``: labels, help texts, choices and lengths as the model
    says. ``Form(data, instance=obj)`` starts from ``obj``'s values (``model_to_dict``).

    Subclasses redeclare the fields they shape (a person picker, a widget) and may drop
    some. The form only parses: ranges, date order, uniqueness and who may write stay with
    the model and the service, which refuse with one message for the UI and the API.
    """
    generated = fields_for_model(
        model, fields=fields, widgets=widgets, labels=labels, help_texts=help_texts
    )
    return type(f"{model.__name__}ServiceForm", (_ServiceForm,), dict(generated))


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Attach a service's ValidationError to ``form``: known fields get their messages, the
    rest go to the form's non-field errors."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        if field in form.fields:
            form.add_error(field, messages)
        else:
            prefix = "" if field == "__all__" else f"{field.replace('_', ' ').capitalize()}: "
            form.add_error(None, [f"{prefix}{m}" for m in messages])


def submit_form(form: forms.Form, service: Callable[..., Any], **extra: Any) -> Any | None:
    """The form-post pattern of every HTML view: validate ``form``, call ``service`` with its
    cleaned data (plus ``extra``), and put the service's ``ValidationError`` on the form.

    Returns the service's result, or ``None`` when the form or the service refused.
    """
    if not form.is_valid():
        return None
    try:
        return service(**extra, **form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
        return None
