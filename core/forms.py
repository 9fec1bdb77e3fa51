"""Form helpers shared by every app's HTML views."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


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
