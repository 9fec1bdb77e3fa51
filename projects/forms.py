"""HTML forms of the projects app. They parse input; the services validate and write.

``core.forms.apply_service_errors`` puts a service's ``ValidationError`` on the form, so the
UI shows the same field messages as the API.
"""

from django import forms
from django.contrib.auth.models import User

from accounts.forms import PeopleChoiceField, PersonChoiceField
from core.forms import DateInput

from .models import Health, Phase, Project, Rotation, Takeaway, Target, TargetKind
from .transitions import allowed_phases


class ProjectForm(forms.Form):
    """Create or edit a project. The phase is not here: it moves with the phase form."""

    name = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=200, required=False, help_text="Used in the address; blank derives it."
    )
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    customer_value = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Customer value",
        help_text="The value this project should create for customers.",
    )
    product_manager = PersonChoiceField(required=False)
    target_release = forms.DateField(widget=DateInput(), required=False)
    health = forms.ChoiceField(choices=Health.choices, initial=Health.ON_TRACK)
    members = PeopleChoiceField(
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Team members besides people on a rotation.",
    )

    @classmethod
    def initial_for(cls, project: Project) -> dict:
        return {
            "name": project.name,
            "slug": project.slug,
            "summary": project.summary,
            "customer_value": project.customer_value,
            "product_manager": project.product_manager_id,
            "target_release": project.target_release,
            "health": project.health,
            "members": list(project.members.all()),
        }


class PhaseChangeForm(forms.Form):
    """Move a project: only the phases the transition table allows from its current one."""

    to = forms.ChoiceField(label="Move to")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    override_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Override reason",
        help_text="Only when a phase gate fails: why move anyway (recorded).",
    )
    # The phase the page showed: a project moved by someone else meanwhile is a conflict.
    expected_phase = forms.ChoiceField(
        choices=Phase.choices, widget=forms.HiddenInput, required=False
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(p, Phase(p).label) for p in allowed_phases(project.phase)]
        self.fields["expected_phase"].initial = project.phase


class TargetForm(forms.Form):
    kind = forms.ChoiceField(choices=TargetKind.choices, initial=TargetKind.TARGET)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)

    @classmethod
    def initial_for(cls, target: Target) -> dict:
        return {"kind": target.kind, "text": target.text}


class RotationForm(forms.Form):
    """A rotation, or without a person a placeholder demand to staff later."""

    project = forms.ModelChoiceField(queryset=Project.objects.order_by("name"))
    person = PersonChoiceField(
        required=False,
        empty_label="Unfilled: a placeholder to staff later",
    )
    role = forms.CharField(max_length=100, help_text="e.g. Data scientist, ML engineer.")
    start = forms.DateField(widget=DateInput())
    planned_end = forms.DateField(
        widget=DateInput(), required=False, help_text="Blank: the project's target release."
    )
    actual_end = forms.DateField(widget=DateInput(), required=False)
    allocation = forms.IntegerField(
        min_value=1, max_value=100, initial=100, help_text="Percent of the person's time, 1 to 100."
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["project"].disabled = True
        else:
            del self.fields["actual_end"]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", "The planned end cannot be before the start.")
        actual = data.get("actual_end")
        if start and actual and actual < start:
            self.add_error("actual_end", "The actual end cannot be before the start.")
        return data

    @classmethod
    def initial_for(cls, rotation: Rotation) -> dict:
        return {
            "project": rotation.project_id,
            "person": rotation.person_id,
            "role": rotation.role,
            "start": rotation.start,
            "planned_end": rotation.planned_end,
            "actual_end": rotation.actual_end,
            "allocation": rotation.allocation,
        }


class TakeawayForm(forms.Form):
    """A takeaway: markdown text, comma-separated tags, optionally a project and your rotation."""

    title = forms.CharField(max_length=200)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), help_text="Markdown: **bold**, lists, links."
    )
    tags = forms.CharField(
        max_length=400, required=False, help_text="Comma-separated, e.g. features, leakage."
    )
    project = forms.ModelChoiceField(
        queryset=Project.objects.order_by("name"), required=False, empty_label="No project"
    )
    rotation = forms.ModelChoiceField(
        queryset=Rotation.objects.none(), required=False, empty_label="No rotation"
    )

    def __init__(self, *args, author: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rotation"].queryset = Rotation.objects.filter(person=author).select_related(
            "project", "person"
        )

    @classmethod
    def initial_for(cls, takeaway: Takeaway) -> dict:
        return {
            "title": takeaway.title,
            "text": takeaway.text,
            "tags": ", ".join(takeaway.tag_list),
            "project": takeaway.project_id,
            "rotation": takeaway.rotation_id,
        }
