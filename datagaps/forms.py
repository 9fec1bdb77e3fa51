"""HTML forms of the data-gaps app: parse input only; the services hold the rules."""

from django import forms

from accounts.forms import PersonChoiceField
from core.forms import DateInput, service_form
from projects.models import Project
from research.models import Idea

from .models import DataGap

_TEXTAREA = forms.Textarea(attrs={"rows": 4})


class _IdeaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, idea: Idea) -> str:
        return f"{idea.title} ({idea.board.project.name})"


class DataGapForm(
    service_form(
        DataGap,
        ("title", "data_needed", "unlocks", "project", "idea", "urgency", "needed_by"),
        widgets={"data_needed": _TEXTAREA, "unlocks": forms.Textarea(attrs={"rows": 2})},
        labels={"data_needed": "Data needed", "unlocks": "What it would unlock"},
    )
):
    """File or edit a request. The status is not here: it moves with the transition forms."""

    project = forms.ModelChoiceField(queryset=Project.objects.order_by("name"))
    idea = _IdeaChoiceField(
        queryset=Idea.objects.select_related("board__project").order_by("title"),
        required=False,
        help_text="The idea this data would let you try (optional).",
    )
    needed_by = forms.DateField(
        required=False, widget=DateInput(), help_text="Optional: when you need it by."
    )


class DataGapEditForm(DataGapForm):
    """Editing, with the assignee for data engineers and managers (``can_assign``)."""

    assignee = PersonChoiceField(required=False, empty_label="Nobody yet")

    def __init__(self, *args, can_assign: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_assign:
            del self.fields["assignee"]


class TransitionForm(forms.Form):
    """A move of a request; which fields matter depends on ``to`` (the service says)."""

    to = forms.CharField(widget=forms.HiddenInput)
    expected_from = forms.CharField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    duplicate_of = forms.ModelChoiceField(
        queryset=DataGap.objects.all(),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1}),
        label="Canonical request number",
        error_messages={"invalid_choice": "No request has that number."},
    )
    delivered_dataset = forms.CharField(required=False, max_length=200, label="Dataset name")
    delivered_location = forms.CharField(
        required=False, max_length=500, label="Location", help_text="Table, path or URL."
    )
    delivered_notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Notes"
    )
    snooze_until = forms.DateField(required=False, widget=DateInput())

    def clean_expected_from(self) -> str | None:
        return self.cleaned_data.get("expected_from") or None


class SnoozeForm(forms.Form):
    until = forms.DateField(required=False, widget=DateInput(), label="Snooze until")
    expected_from = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_expected_from(self) -> str | None:
        return self.cleaned_data.get("expected_from") or None


class BulkForm(forms.Form):
    """Several requests of the queue, and what to do with them."""

    ACTIONS = [("triage", "Triage"), ("assign", "Assign to")]

    requests = forms.ModelMultipleChoiceField(
        queryset=DataGap.objects.all(),
        error_messages={"required": "Tick at least one request."},
    )
    action = forms.ChoiceField(choices=ACTIONS)
    assignee = PersonChoiceField(required=False, empty_label="Nobody")


class LinkForm(forms.Form):
    """Link a recurring group's requests to one canonical request."""

    canonical = forms.ModelChoiceField(queryset=DataGap.objects.all())
    requests = forms.ModelMultipleChoiceField(queryset=DataGap.objects.all())
    note = forms.CharField(required=False, max_length=2000)
