"""HTML forms of the research app: parse input only; the services hold the rules."""

import csv
import io

from django import forms
from django.contrib.auth.models import User

from accounts.forms import PersonChoiceField
from accounts.selectors import active_people
from core.forms import DateInput

from .models import (
    GAIN_BAR_MAX,
    GAIN_BAR_MESSAGE,
    GAIN_BAR_MIN,
    Direction,
    Idea,
    Maturity,
    Metric,
    Reading,
    Status,
)
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


# The range is the model's; out of it the form says what the service says.
# (escaped: both format the message with %-interpolation)
GAIN_BAR_PERCENT_SAFE = GAIN_BAR_MESSAGE.replace("%", "%%")
GAIN_BAR_ERRORS = {"min_value": GAIN_BAR_PERCENT_SAFE, "max_value": GAIN_BAR_PERCENT_SAFE}


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
        error_messages=GAIN_BAR_ERRORS,
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
        min_value=GAIN_BAR_MIN,
        max_value=GAIN_BAR_MAX,
        error_messages=GAIN_BAR_ERRORS,
        label="Gain bar (%)",
        help_text=f"From {GAIN_BAR_MIN} to {GAIN_BAR_MAX} %.",
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
    """A metric, new or edited; the service says whether the target suits the direction."""

    name = forms.CharField(max_length=100)
    unit = forms.CharField(max_length=30, required=False)
    direction = forms.ChoiceField(choices=Direction.choices)
    baseline = forms.FloatField(help_text="What production (or the first MVP) achieves today.")
    target = forms.FloatField(
        required=False,
        label="Target (optional)",
        help_text="Beyond the baseline: above it when higher is better, below it when lower is.",
    )


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
    """Add one task on the idea page, or edit one: with a due date (optional)."""

    due_date = forms.DateField(required=False, widget=DateInput, label="Due date")

    @classmethod
    def for_task(cls, task, data=None) -> "IdeaTaskForm":
        """The edit form of ``task``, filled with its title, owner and due date."""
        initial = {"title": task.title, "owner": task.owner_id, "due_date": task.due_date}
        people = list(active_people())
        if task.owner is not None and not task.owner.is_active:
            # Still offered, so renaming a task does not silently unassign a departed owner.
            people.append(task.owner)
        return cls(data, initial=initial, people=people)


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


class PromoteConfirmForm(forms.Form):
    """The promoter's confirmation, asked only when the idea's gain is below the gain bar
    (the service refuses such a promotion without it, with the figures)."""

    confirm_below_bar = forms.BooleanField(
        required=False,
        label="Promote it below the gain bar",
        help_text="The promotion records that the idea did not clear the bar.",
    )


def _key(text: str) -> str:
    """How names are compared: case and runs of spaces do not matter."""
    return " ".join((text or "").split()).casefold()


# Column names the import also understands, e.g. from a spreadsheet or an MLflow export.
COLUMN_ALIASES = {
    "idea": "idea",
    "idea id": "idea",
    "idea title": "idea",
    "idea_id": "idea",
    "metric": "metric",
    "metric id": "metric",
    "metric name": "metric",
    "metric_id": "metric",
    "metric_name": "metric",
    "value": "value",
    "recorded_at": "recorded_at",
    "recorded at": "recorded_at",
    "timestamp": "recorded_at",
    "time": "recorded_at",
    "note": "note",
    "source": "source",
    "run": "source",
    "run id": "source",
    "run_id": "source",
    "step": "step",
}


class ReadingImportForm(forms.Form):
    """A CSV of readings for one board; rows name ideas and metrics by id or by name.

    Parsing and name resolution happen here (it is input): an idea by its id or title, a
    metric by its id, its name, or its name with the unit as the pages show it ("RMSE
    (EUR)", also "RMSE [EUR]" or "RMSE EUR"), ignoring case and extra spaces. Every rule
    about readings is checked by the readings services, the same code as the API's bulk
    endpoint. Problems are gathered for the whole file (``line_problems``, by spreadsheet
    line: the header is line 1, the first reading line 2) so one pass reports them all;
    only a file that cannot be read as CSV at all is refused here.
    """

    MAX_BYTES = 5 * 1024 * 1024
    REQUIRED = ("idea", "metric", "value")

    file = forms.FileField(
        label="CSV file",
        help_text="Columns: idea, metric, value, and optionally recorded_at (ISO 8601), note, "
        "source and step. Ideas by id or title; metrics by id, name, or name with unit as "
        "this board shows them. Up to 10,000 rows; all or nothing.",
    )

    def __init__(self, *args, board=None, ideas=None, metrics=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.board = board
        self._ideas = ideas
        self._metrics = metrics
        self.items: list[dict] = []
        self.item_lines: list[int] = []  # the spreadsheet line of each item
        # line -> [(column or None for the whole line, message)]
        self.line_problems: dict[int, list[tuple[str | None, str]]] = {}
        self.unknown: dict[int, set[str]] = {}  # line -> fields whose name was not found

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB; split it.")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("Save the file as UTF-8 text (CSV).") from exc
        reader = csv.reader(io.StringIO(text))
        try:
            header = next(reader, None) or []
        except csv.Error as exc:
            raise forms.ValidationError(f"Line 1 is not valid CSV ({exc}).") from exc
        columns = [COLUMN_ALIASES.get(_key(name)) for name in header]
        missing = [name for name in self.REQUIRED if name not in columns]
        if missing:
            raise forms.ValidationError(
                f"Line 1 must name the columns; missing: {', '.join(missing)}."
            )
        ideas, idea_names = self._idea_lookup()
        metrics, metric_names = self._metric_lookup()
        line = 1
        try:
            for line, cells in enumerate(reader, start=2):
                self._read_row(line, cells, columns, ideas, metrics, idea_names, metric_names)
        except csv.Error as exc:
            # e.g. a field over the csv module's 128 KiB limit: the record after the last
            # one read; nothing after it can be read
            self._problem(line + 1, f"is not valid CSV ({exc}); lines after it were not read")
        if not self.items and not self.line_problems:
            raise forms.ValidationError("The file has a header but no readings.")
        return upload

    def _problem(self, line: int, message: str, field: str | None = None) -> None:
        self.line_problems.setdefault(line, []).append((field, message))

    def _read_row(self, line, cells, columns, ideas, metrics, idea_names, metric_names) -> None:
        if not any(cell.strip() for cell in cells):
            return  # a blank line, as spreadsheets leave at the end
        if len(cells) > len(columns):
            self._problem(line, "has more columns than the header")
            return
        row = {column: cell.strip() for column, cell in zip(columns, cells, strict=False) if column}
        item = {k: row[k] for k in ("recorded_at", "note", "source") if row.get(k)}
        if row.get("step"):
            try:
                item["step"] = int(row["step"])
            except ValueError:
                item["step"] = row["step"]  # the service says what is wrong with it
        for field, table, names in (
            ("idea", ideas, idea_names),
            ("metric", metrics, metric_names),
        ):
            given = row.get(field, "")
            item[field] = table.get(_key(given).removeprefix("#")) or table.get(_key(given))
            if item[field] is None:
                self.unknown.setdefault(line, set()).add(field)
                what = f"“{given}”" if given else "(empty)"
                self._problem(line, f"no {field} {what} on this board ({names})", field)
        try:
            item["value"] = float(row.get("value", ""))
        except ValueError:
            item["value"] = row.get("value", "")  # the service says what is wrong with it
        self.items.append(item)
        self.item_lines.append(line)

    def _idea_lookup(self) -> tuple[dict[str, int], str]:
        pairs = (
            self._ideas
            if self._ideas is not None
            else list(self.board.ideas.values_list("pk", "title"))
        )
        table: dict[str, int] = {}
        for pk, title in pairs:
            table[str(pk)] = pk
            table.setdefault(_key(title), pk)
        return table, "give an idea's title as the board shows it, or its id"

    def _metric_lookup(self) -> tuple[dict[str, int], str]:
        triples = (
            self._metrics
            if self._metrics is not None
            else list(self.board.metrics.values_list("pk", "name", "unit"))
        )
        table: dict[str, int] = {}
        for pk, name, unit in triples:
            table[str(pk)] = pk
            aliases = [name]
            if unit:
                aliases += [f"{name} ({unit})", f"{name} [{unit}]", f"{name} {unit}"]
            for alias in aliases:
                table.setdefault(_key(alias), pk)
        shown = ", ".join(f"{name} ({unit})" if unit else name for _, name, unit in triples[:8])
        more = " …" if len(triples) > 8 else ""
        return table, f"its metrics: {shown}{more}" if triples else "it has no metrics yet"


class ReadingFilterForm(forms.Form):
    """The idea's readings table filters: a source and a range of days (both inclusive)."""

    source = forms.CharField(required=False, max_length=Reading.SOURCE_MAX_LENGTH, label="Source")
    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "This must not be before the first day.")
        return data


class CompareForm(forms.Form):
    """The ideas a compare chart overlays, picked among the board's ideas."""

    MAX_IDEAS = 8

    ideas = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Ideas to compare",
    )

    def __init__(self, *args, ideas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ideas"].choices = [(idea.pk, idea.title) for idea in ideas]

    def clean_ideas(self) -> list[int]:
        picked = self.cleaned_data["ideas"]
        if len(picked) > self.MAX_IDEAS:
            raise forms.ValidationError(
                f"Pick at most {self.MAX_IDEAS} ideas: a chart with more lines cannot be read."
            )
        return picked
