"""HTML forms of the research app: parse input only; the services hold the rules."""

import csv
import io

from django import forms
from django.contrib.auth.models import User

from accounts.forms import PersonChoiceField
from accounts.selectors import active_people
from core.forms import DateInput

from .models import GAIN_BAR_MAX, GAIN_BAR_MIN, Direction, Idea, Maturity, Metric, Reading, Status
from .transitions import move_choices


class SharedPersonChoiceField(PersonChoiceField):
    """The accounts app's person picker that, given a list of people (``use_people``),
    renders and validates from that list without queries, so a formset can share one list
    across its forms.
    """

    _people_by_pk: dict[str, User] | None = None

    def use_people(self, people: list[User]) -> None:
        self._people_by_pk = {str(user.pk): user for user in people}
        empty = [] if self.empty_label is None else [("", self.empty_label)]
        self.choices = [*empty, *((user.pk, self.label_from_instance(user)) for user in people)]

    def to_python(self, value):
        if self._people_by_pk is None:
            return super().to_python(value)
        if value in self.empty_values:
            return None
        key = str(value.pk if isinstance(value, User) else value)
        if key not in self._people_by_pk:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return self._people_by_pk[key]


class BoardForm(forms.Form):
    """A new board and its primary metric."""

    title = forms.CharField(max_length=200, label="Research question (short title)")
    question = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What are we trying to find out?",
    )
    gain_bar = forms.FloatField(
        initial=2.0,
        min_value=GAIN_BAR_MIN,
        max_value=GAIN_BAR_MAX,
        label="Gain bar (%)",
        help_text="The minimum relative improvement over the baseline that justifies "
        "changing the production model.",
    )
    metric_name = forms.CharField(max_length=100, label="Primary metric", initial="AUC")
    metric_unit = forms.CharField(max_length=30, required=False, label="Unit")
    metric_direction = forms.ChoiceField(choices=Direction.choices, label="Direction")
    metric_baseline = forms.FloatField(
        label="Baseline", help_text="What production (or the first MVP) achieves today."
    )
    metric_target = forms.FloatField(required=False, label="Target (optional)")

    def clean(self) -> dict:
        """The keyword arguments of ``services.board_create``: the metric fields nest."""
        data = super().clean()
        if self.errors:
            return data
        return {
            "title": data["title"],
            "question": data["question"],
            "gain_bar": data["gain_bar"],
            "primary_metric": {
                "name": data["metric_name"],
                "unit": data["metric_unit"],
                "direction": data["metric_direction"],
                "baseline": data["metric_baseline"],
                "target": data["metric_target"],
            },
        }


class BoardSettingsForm(forms.Form):
    """A manager's changes to a board: its question, gain bar and primary metric."""

    title = forms.CharField(max_length=200)
    question = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    gain_bar = forms.FloatField(
        min_value=GAIN_BAR_MIN, max_value=GAIN_BAR_MAX, label="Gain bar (%)"
    )
    primary_metric = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, *args, metrics: list[Metric], **kwargs):
        super().__init__(*args, **kwargs)
        # Choices from the metrics the page already loaded: no query per render.
        self.metrics = {metric.pk: metric for metric in metrics}
        self.fields["primary_metric"].choices = [("", "---------")] + [
            (metric.pk, str(metric)) for metric in metrics
        ]
        self.auto_id = "id_board_%s"

    def clean_primary_metric(self) -> Metric | None:
        return self.metrics.get(self.cleaned_data["primary_metric"])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("primary_metric") is None:
            data.pop("primary_metric", None)  # empty leaves the primary metric as it is
        return data


class MetricForm(forms.Form):
    name = forms.CharField(max_length=100)
    unit = forms.CharField(max_length=30, required=False)
    direction = forms.ChoiceField(choices=Direction.choices)
    baseline = forms.FloatField(help_text="What production (or the first MVP) achieves today.")
    target = forms.FloatField(required=False, label="Target (optional)")


class IdeaForm(forms.Form):
    """Propose or edit an idea; the owner field appears for managers only."""

    title = forms.CharField(max_length=200)
    hypothesis = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="If we do X, metric Y improves because Z.",
    )
    maturity = forms.ChoiceField(choices=Maturity.choices, initial=Maturity.IDEA)
    owner = PersonChoiceField(required=False)

    def __init__(self, *args, can_assign: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_assign:
            del self.fields["owner"]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("owner") is None:
            data.pop("owner", None)  # no choice keeps the owner (or makes the author it)
        return data


class MoveForm(forms.Form):
    """Move an idea: the select offers the statuses its current one allows
    (``research.transitions``); the service refuses any other with its message."""

    to = forms.CharField(label="Move to", widget=forms.Select)
    reason = forms.CharField(
        required=False,
        max_length=Idea.REASON_MAX_LENGTH,
        label="Reason",
        help_text="Required when dropping.",
    )

    def __init__(self, *args, idea=None, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = move_choices(idea.status) if idea is not None else Status.values
        self.fields["to"].widget.choices = [(s, Status(s).label) for s in statuses]
        if idea is not None:
            # Unique ids per card: many move forms share one board page.
            self.auto_id = f"id_move_{idea.pk}_%s"


class ReadingForm(forms.Form):
    """Record a reading by hand; the metric list is the idea's board's metrics."""

    metric = forms.ModelChoiceField(queryset=Metric.objects.none())
    value = forms.FloatField()
    recorded_at = forms.DateTimeField(
        required=False,
        label="Recorded at (optional)",
        help_text="Leave empty for now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    note = forms.CharField(required=False, max_length=Reading.NOTE_MAX_LENGTH)

    def __init__(self, *args, metrics=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].queryset = metrics if metrics is not None else Metric.objects.none()


class TaskForm(forms.Form):
    title = forms.CharField(max_length=200, label="Task")
    owner = SharedPersonChoiceField(required=False)

    def __init__(self, *args, people: list[User] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].use_people(list(active_people()) if people is None else people)


class IdeaTaskForm(TaskForm):
    """Add one task on the idea page: with a due date (optional)."""

    due_date = forms.DateField(required=False, widget=DateInput, label="Due date")


class BaseTaskFormSet(forms.BaseFormSet):
    """Task forms that share one list of people: one user query per request, not per form."""

    _people: list[User] | None = None

    def get_form_kwargs(self, index):
        if self._people is None:
            self._people = list(active_people())
        return {**super().get_form_kwargs(index), "people": self._people}


TaskFormSet = forms.formset_factory(TaskForm, formset=BaseTaskFormSet, extra=4, max_num=30)


class PromoteTaskForm(TaskForm):
    """A row of the breakdown: blank rows are skipped, a row with only an owner is not."""

    title = forms.CharField(max_length=200, label="Task", required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("owner") and not (cleaned.get("title") or "").strip():
            self.add_error("title", "Give this task a title, or clear its owner.")
        return cleaned


PromoteFormSet = forms.formset_factory(
    PromoteTaskForm, formset=BaseTaskFormSet, extra=4, max_num=30
)


class ReadingImportForm(forms.Form):
    """A CSV of readings for one board; rows name ideas and metrics by id or by title/name.

    Parsing and name resolution happen here (it is input); every rule about readings is
    checked by ``services.readings_ingest``, the same code the API's bulk endpoint uses.
    """

    MAX_BYTES = 5 * 1024 * 1024
    REQUIRED = ("idea", "metric", "value")

    file = forms.FileField(
        label="CSV file",
        help_text="Columns: idea, metric, value, and optionally recorded_at (ISO 8601), note "
        "and source. Ideas and metrics by id, or by their title and name on this board. "
        "Up to 10,000 rows; all or nothing.",
    )

    def __init__(self, *args, board=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.board = board
        self.items: list[dict] = []

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB; split it.")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("Save the file as UTF-8 text (CSV).") from exc
        reader = csv.DictReader(io.StringIO(text))
        try:
            headers = {(name or "").strip().lower() for name in reader.fieldnames or []}
        except csv.Error as exc:
            raise forms.ValidationError(f"Line 1 is not valid CSV ({exc}).") from exc
        missing = [name for name in self.REQUIRED if name not in headers]
        if missing:
            raise forms.ValidationError(
                f"The first line must name the columns; missing: {', '.join(missing)}."
            )
        ideas = self._lookup(self.board.ideas.values_list("pk", "title"))
        metrics = self._lookup(self.board.metrics.values_list("pk", "name"))
        problems: list[str] = []
        try:
            self._read_rows(reader, ideas, metrics, problems)
        except csv.Error as exc:
            # e.g. a field over the csv module's 128 KiB limit; ``line_num`` counts the lines
            # read before the bad record, so that record starts on the next one
            problems.append(f"Line {reader.line_num + 1} is not valid CSV ({exc}).")
        if problems:
            shown = problems[:20]
            if len(problems) > 20:
                shown.append(f"… and {len(problems) - 20} more lines.")
            raise forms.ValidationError(shown)
        if not self.items:
            raise forms.ValidationError("The file has a header but no readings.")
        return upload

    def _read_rows(self, reader, ideas: dict, metrics: dict, problems: list[str]) -> None:
        for line, raw in enumerate(reader, start=2):
            if None in raw:  # DictReader keeps the cells past the header's under ``None``
                problems.append(f"Line {line} has more columns than the header.")
                continue
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
            item = {k: row[k] for k in ("recorded_at", "note", "source") if row.get(k)}
            for field, table, noun in (("idea", ideas, "idea"), ("metric", metrics, "metric")):
                item[field] = table.get(row.get(field, "").casefold())
                if item[field] is None:
                    problems.append(f"Line {line}: no {noun} “{row.get(field, '')}” on this board.")
            try:
                item["value"] = float(row.get("value", ""))
            except ValueError:
                item["value"] = row.get("value", "")  # the service says what is wrong with it
            self.items.append(item)

    @staticmethod
    def _lookup(pairs) -> dict[str, int]:
        table: dict[str, int] = {}
        for pk, name in pairs:
            table[str(pk)] = pk
            table.setdefault(name.casefold(), pk)
        return table
