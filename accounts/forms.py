"""Form fields about people, shared by every app's forms."""

from django import forms
from django.contrib.auth.models import User

from .models import person_label
from .selectors import active_people


class PersonChoiceField(forms.ModelChoiceField):
    """One active person, labelled by name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", active_people())
        super().__init__(**kwargs)

    def label_from_instance(self, user: User) -> str:
        return person_label(user)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    """Several active people, labelled by name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", active_people())
        super().__init__(**kwargs)

    def label_from_instance(self, user: User) -> str:
        return person_label(user)


class ApiTokenForm(forms.Form):
    """A new personal API token: a name and an optional expiry."""

    name = forms.CharField(max_length=100, help_text="What uses it, e.g. “nightly training job”.")
    expires_at = forms.DateTimeField(
        required=False,
        label="Expires",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Blank: never.",
    )
