"""HTML forms of the projects app. They parse input; the services validate and write.

Each form's fields are its service's ``*_EDITABLE_FIELDS``, generated from the model
(``core.forms.service_form``); ``Form(data, instance=obj)`` starts from ``obj``'s values.
Ranges, date order, allowed phase moves and who may write are not restated here: the
service refuses, and ``core.forms.submit_form`` puts its message on the form, so the UI
shows the same words as the API.
"""

from django import forms
from django.contrib.auth.models import User

from accounts.forms import PeopleChoiceField, PersonChoiceField
from accounts.models import Discipline
from core.forms import DateInput, service_form

from .models import (
    MAX_ALLOCATION,
    MIN_ALLOCATION,
    TAKEAWAY_TEXT_MAX_LENGTH,
    Health,
    Phase,
    Project,
    Rotation,
    Takeaway,
    Target,
)
from .services import (
    FUTURE_PLACEHOLDER_CHOICES,
    PROJECT_EDITABLE_FIELDS,
    ROTATION_EDITABLE_FIELDS,
    TAKEAWAY_EDITABLE_FIELDS,
    TARGET_EDITABLE_FIELDS,
)
from .transitions import allowed_phases

_TEXTAREA = forms.Textarea(attrs={"rows": 3})


class ProjectForm(
    service_form(
        Project,
        PROJECT_EDITABLE_FIELDS,
        widgets={"summary": _TEXTAREA, "customer_value": _TEXTAREA, "target_release": DateInput},
    )
):
    """Create or edit a project. The phase is not here: it moves with the phase form."""

    slug = forms.SlugField(
        max_length=200, required=False, help_text="Used in the address; blank derives it."
    )
    product_manager = PersonChoiceField(required=False)
    members = PeopleChoiceField(
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Team members besides people on a rotation.",
    )


class PhaseChangeForm(forms.Form):
    """Move a project. The page offers only the phases the transition table allows from the
    current one, but ``to`` accepts any value: the phase service refuses an illegal move
    with its own message, the same one the API answers."""

    to = forms.CharField(label="Move to", required=False, widget=forms.Select)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    override_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Override reason",
        help_text="Only when a phase gate fails: why move anyway (recorded).",
    )
    # The phase the page showed: a project moved by someone else meanwhile is a conflict.
    expected_phase = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, project: Project, release: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].widget.choices = [
            (phase, Phase(phase).label) for phase in allowed_phases(project.phase)
        ]
        self.fields["expected_phase"].initial = project.phase
        if release is not None:
            self._add_release_fields(project, release)

    def _add_release_fields(self, project: Project, release: dict) -> None:
        """What a release asks (only when releasing is a move from here): the health to give
        the project, the suggestion preselected with its reasons, and what becomes of the
        placeholders that start later, when there are some."""
        health, reasons = release["suggestion"]
        because = f": {'; '.join(reasons)}" if reasons else ""
        self.fields["health"] = forms.ChoiceField(
            label="Health on release",
            required=False,
            choices=Health.choices,
            initial=health,
            help_text=f"Only when releasing. Suggested: {Health(health).label}{because}.",
        )
        if count := release["future_placeholders"]:
            noun = "placeholder starts" if count == 1 else "placeholders start"
            self.fields["future_placeholders"] = forms.ChoiceField(
                label=f"On release, {count} {noun} later",
                required=False,
                choices=[("", "Choose…"), *FUTURE_PLACEHOLDER_CHOICES],
                help_text="Only when releasing: cancel the unfilled demand, or keep it for "
                "a next phase.",
            )

    def clean(self) -> dict:
        """The release's answers reach the service only with a move to released."""
        data = super().clean()
        if data.get("to") != Phase.RELEASED:
            data.pop("health", None)
            data.pop("future_placeholders", None)
        return data

    @property
    def offers_a_move(self) -> bool:
        return bool(self.fields["to"].widget.choices)


class TargetForm(
    service_form(Target, TARGET_EDITABLE_FIELDS, widgets={"text": forms.Textarea({"rows": 2})})
):
    """A target or an ideal user scenario."""


class RotationForm(
    service_form(
        Rotation,
        ("project", *ROTATION_EDITABLE_FIELDS),
        widgets={"start": DateInput, "planned_end": DateInput, "actual_end": DateInput},
        help_texts={
            "role": "e.g. Data scientist, ML engineer.",
            "planned_end": "Blank: the project's target release.",
        },
    )
):
    """A rotation, or without a person a placeholder demand to staff later. The project is
    chosen when creating; editing keeps it (it is not an editable field)."""

    person = PersonChoiceField(
        required=False,
        empty_label="Unfilled: a placeholder to staff later",
    )
    # The range is the model's: the number input only shows it, the service refuses.
    allocation = forms.IntegerField(
        initial=MAX_ALLOCATION,
        widget=forms.NumberInput(attrs={"min": MIN_ALLOCATION, "max": MAX_ALLOCATION}),
        help_text=Rotation._meta.get_field("allocation").help_text,
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["project"]
        else:
            del self.fields["actual_end"]


DISCIPLINE_CHOICES = [("", "All disciplines"), *Discipline.choices]
MAX_WEEKS_SHOWN = 52
DEFAULT_WEEKS = 12


class StaffingFilterForm(forms.Form):
    """The staffing grid's filter: discipline, project and how many weeks around this one.
    An out-of-range or non-numeric week count is an error on its field, not a silent 12."""

    discipline = forms.ChoiceField(choices=DISCIPLINE_CHOICES, required=False)
    project = forms.ModelChoiceField(
        queryset=Project.objects.exclude(phase=Phase.ARCHIVED).order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="All projects",
    )
    back = forms.IntegerField(
        label="Weeks back",
        min_value=0,
        max_value=MAX_WEEKS_SHOWN,
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_WEEKS_SHOWN}),
    )
    ahead = forms.IntegerField(
        label="Weeks ahead",
        min_value=0,
        max_value=MAX_WEEKS_SHOWN,
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_WEEKS_SHOWN}),
    )

    def value(self, name: str, default=None):
        """The field's cleaned value; ``default`` when blank or invalid (its error shows)."""
        if not self.is_valid() and name in self.errors:
            return default
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value


class AvailabilityForm(forms.Form):
    """What the rotation form sends to ask who is free: the rotation as filled in so far,
    and a discipline to narrow the list. Only parses; nothing here is saved."""

    project = forms.ModelChoiceField(queryset=Project.objects.all(), required=False)
    person = PersonChoiceField(required=False)
    start = forms.DateField(required=False)
    planned_end = forms.DateField(required=False)
    actual_end = forms.DateField(required=False)
    allocation = forms.IntegerField(required=False)
    discipline = forms.ChoiceField(choices=DISCIPLINE_CHOICES, required=False)
    rotation = forms.IntegerField(required=False, min_value=1)


class TagsField(forms.CharField):
    """Comma-separated tags; shows a stored ``,a,b,`` as ``a, b``."""

    def prepare_value(self, value):
        if isinstance(value, str) and value.startswith(","):
            return ", ".join(tag for tag in value.split(",") if tag)
        return value


class TakeawayForm(service_form(Takeaway, TAKEAWAY_EDITABLE_FIELDS)):
    """A takeaway: markdown text, comma-separated tags, optionally a project and your rotation."""

    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"Markdown: # headings, **bold**, lists, links; up to "
        f"{TAKEAWAY_TEXT_MAX_LENGTH:,} characters.",
    )
    tags = TagsField(required=False, help_text="Comma-separated, e.g. features, leakage.")
    project = forms.ModelChoiceField(
        queryset=Project.objects.order_by("name"), required=False, empty_label="No project"
    )
    rotation = forms.ModelChoiceField(
        queryset=Rotation.objects.none(), required=False, empty_label="No rotation"
    )

    def __init__(self, *args, author: User, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the author's own rotations are offered (the service refuses any other).
        self.fields["rotation"].queryset = Rotation.objects.filter(person=author).select_related(
            "project", "person"
        )
