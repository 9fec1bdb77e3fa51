"""The digest settings form: it parses; the service refuses what is wrong."""

import zoneinfo

from django import forms

from core.forms import service_form

from .models import DigestPreference
from .services import PREFERENCE_EDITABLE_FIELDS

_Base = service_form(DigestPreference, PREFERENCE_EDITABLE_FIELDS)


class PreferenceForm(_Base):
    time_zone = forms.ChoiceField(
        choices=[(name, name) for name in sorted(zoneinfo.available_timezones())],
        label="Time zone",
    )
    muted_projects = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Mute these projects",
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = ["enabled", "weekday", "hour", "time_zone", "muted_projects"]

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["muted_projects"].queryset = projects
        self.fields["hour"].widget.attrs.update({"min": 0, "max": 23})
