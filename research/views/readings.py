"""Readings from the pages: one by hand on the idea page, a CSV file for a board."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import submit_form

from .. import selectors, services
from ..forms import ReadingForm, ReadingImportForm
from ..permissions import require_contribute, require_edit_idea


@require_POST
def idea_reading_create(request: HttpRequest, pk: int) -> HttpResponse:
    idea = get_object_or_404(selectors.idea_with_board(), pk=pk)
    require_edit_idea(request.user, idea)
    form = ReadingForm(request.POST, metrics=selectors.board_metrics(idea.board))
    reading = submit_form(form, services.reading_create, idea=idea, actor=request.user)
    if reading:
        messages.success(request, f"Reading recorded: {reading.metric.name} = {reading.value:g}.")
        return redirect(f"{idea.get_absolute_url()}#readings")
    return render(
        request,
        "research/form_page.html",
        {"title": "Add a reading", "form": form, "action": request.path, "back": idea},
        status=400,
    )


@require_http_methods(["GET", "POST"])
def board_readings_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Import readings from a CSV file, all or nothing, through the bulk ingestion service.

    Every problem of the file is reported at once, by spreadsheet line (the header is line
    1): names the board does not know, cells the service refuses, readings on other
    people's ideas. With htmx the form posts in the background with an upload progress
    bar; success sends the browser back to the board, errors replace the form. Without
    JavaScript it is a plain form post.
    """
    board = get_object_or_404(selectors.board_detail(), pk=pk)
    require_contribute(request.user)
    form = ReadingImportForm(request.POST or None, request.FILES or None, board=board)
    if request.method == "POST" and form.is_valid():
        try:
            if form.line_problems:
                errors, foreign = (
                    services.readings_problems(
                        items=form.items, actor=request.user, default_source="csv"
                    )
                    if form.items
                    else ({}, [])
                )
                form.add_error("file", _import_errors(form, errors, foreign))
            else:
                count = services.readings_ingest(
                    items=form.items, actor=request.user, default_source="csv"
                )
        except services.ReadingsInvalid as invalid:
            form.add_error("file", _import_errors(form, invalid.errors, []))
        except PermissionDenied:
            # Only the foreign ideas are left to report: say which lines they are on.
            _, foreign = services.readings_problems(
                items=form.items, actor=request.user, default_source="csv"
            )
            form.add_error("file", _import_errors(form, {}, foreign))
        except ValidationError as error:
            form.add_error("file", error.messages)
        if not form.errors:
            messages.success(
                request,
                f"Imported {count:,} reading{pluralize(count)} into “{board.title}”.",
            )
            if request.htmx:
                return HttpResponse(status=204, headers={"HX-Redirect": board.get_absolute_url()})
            return redirect(board)
    template = "research/_import_form.html" if request.htmx else "research/readings_import.html"
    return render(
        request,
        template,
        {
            "title": f"Import readings · {board.title}",
            "board": board,
            "form": form,
            "example": _example(board),
        },
        # htmx swaps only 2xx answers; a plain post gets the honest 400.
        status=400 if form.errors and not request.htmx else 200,
    )


MAX_LINES_SHOWN = 200
NOT_YOURS = "you may record readings only on ideas you own, and this one is not yours"


def _import_errors(
    form: ReadingImportForm, errors: dict[str, dict[str, list[str]]], foreign: list[int]
) -> list[str]:
    """Every problem of the file, one message per line in line order: the form's (names,
    columns) and the service's (cells; an item's index is its place in ``form.items``).
    A field whose name the form could not resolve keeps the form's message only."""
    by_line: dict[int, list[tuple[str | None, str]]] = {
        line: list(problems) for line, problems in form.line_problems.items()
    }
    for index, fields in errors.items():
        line = form.item_lines[int(index)]
        unknown = form.unknown.get(line, set())
        for field, texts in fields.items():
            if field in unknown:
                continue  # "no idea “x” on this board" says more than "required"
            column = None if field == "non_field_errors" else field
            by_line.setdefault(line, []).append((column, " ".join(texts)))
    for index in foreign:
        by_line.setdefault(form.item_lines[index], []).append(("idea", NOT_YOURS))
    lines = [_line_message(line, problems) for line, problems in sorted(by_line.items())]
    summary = (
        f"{len(lines):,} line{pluralize(len(lines))} of the file "
        f"{'has a problem' if len(lines) == 1 else 'have problems'}; nothing was imported."
    )
    if len(lines) > MAX_LINES_SHOWN:
        rest = len(lines) - MAX_LINES_SHOWN
        lines = [*lines[:MAX_LINES_SHOWN], f"… and {rest:,} more line{pluralize(rest)}."]
    return [summary, *lines]


def _line_message(line: int, problems: list[tuple[str | None, str]]) -> str:
    """``Line 3 has more columns than the header.`` or ``Line 4: idea: …; value: ….``"""
    whole = [text.rstrip(".") for column, text in problems if column is None]
    cells = [f"{column}: {text.rstrip('.')}" for column, text in problems if column is not None]
    head = f"Line {line}" + (f" {'; '.join(whole)}" if whole else "")
    return head + (f": {'; '.join(cells)}" if cells else "") + "."


def _example(board) -> str:
    """A small CSV with this board's own ideas and metrics, names as the board shows them."""
    ideas = list(selectors.board_ideas(board).values_list("pk", "title")[:2])
    metrics = list(selectors.board_metrics(board)[:2])
    if not ideas or not metrics:
        return ""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["idea", "metric", "value", "recorded_at", "note"])
    first_metric = metrics[0]
    sample = first_metric.target if first_metric.target is not None else first_metric.baseline
    writer.writerow(
        [ideas[0][1], str(first_metric), f"{sample:g}", "2026-11-20T14:00:00Z", "run 41"]
    )
    last_idea = ideas[-1]
    last_metric = metrics[-1]
    writer.writerow([last_idea[0], str(last_metric), f"{last_metric.baseline:g}", "", ""])
    return out.getvalue()


@require_POST
def reading_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one reading from the idea page (its idea's owner or a manager)."""
    reading = get_object_or_404(selectors.reading_detail(), pk=pk)
    services.reading_delete(reading=reading, actor=request.user)
    messages.success(request, f"Deleted the {reading.metric.name} reading of {reading.value:g}.")
    return redirect(f"{reading.idea.get_absolute_url()}#readings")
