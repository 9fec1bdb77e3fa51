"""HTML forms of the flags app: they parse input; the services hold the rules."""

from django import forms

from accounts.forms import PersonChoiceField
from core.forms import DateInput, service_form
from research.models import Idea

from .models import Flag
from .services import FLAG_EDITABLE_FIELDS

_FlagBase = service_form(
    Flag,
    FLAG_EDITABLE_FIELDS,
    widgets={"description": forms.Textarea(attrs={"rows": 5}), "due_date": DateInput()},
    help_texts={"description": "What engineering will need, and why. Markdown."},
)


class FlagForm(_FlagBase):
    """Raise or edit a flag on ``project``; the idea menu lists that project's ideas."""

    owner = PersonChoiceField(
        required=False, empty_label="Nobody yet", label="Owner", help_text="Who must act on it."
    )
    # Any idea parses; the service says when it is not on this project.
    idea = forms.ModelChoiceField(
        queryset=Idea.objects.all(),
        required=False,
        empty_label="The whole project",
        label="Idea (optional)",
    )

    field_order = [
        "title",
        "description",
        "kind",
        "severity",
        "idea",
        "owner",
        "due_date",
        "external_blocker",
    ]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        ideas = Idea.objects.filter(board__project=project).order_by("title").only("pk", "title")
        self.fields["idea"].choices = [("", "The whole project")] + [
            (idea.pk, idea.title) for idea in ideas
        ]


class TransitionForm(forms.Form):
    """One move of a flag: the status to go to (the button pressed), a note, and the status
    the person saw (a lost race is a Conflict, not a silent second move)."""

    to = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note",
        help_text="Needed to resolve, accept the risk or reopen.",
    )
    expected_from = forms.CharField(required=False, widget=forms.HiddenInput)


class StatsForm(forms.Form):
    """The period and project of the early-warning figures."""

    project = forms.ModelChoiceField(queryset=None, required=False, empty_label="All projects")
    start = forms.DateField(required=False, widget=DateInput(), label="From")
    end = forms.DateField(required=False, widget=DateInput(), label="To")

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].to_field_name = "slug"

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "Choose an end on or after the start.")
        return data
