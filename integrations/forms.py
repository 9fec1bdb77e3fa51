"""Forms of the integrations pages: they parse; the services decide."""

from django import forms

from .models import Endpoint
from .services.webhooks import event_choices


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=Endpoint.URL_MAX_LENGTH,
        help_text="An http or https URL that accepts POSTed JSON.",
    )
    description = forms.CharField(
        max_length=Endpoint.DESCRIPTION_MAX_LENGTH, required=False, widget=forms.Textarea
    )
    event_types = forms.MultipleChoiceField(
        label="Events", widget=forms.CheckboxSelectMultiple, choices=()
    )
    active = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = [
            (value, f"{value}: {label}") for value, label in event_choices().items()
        ]


class AliasForm(forms.Form):
    key = forms.CharField(max_length=250)
    metric = forms.IntegerField(min_value=1)
