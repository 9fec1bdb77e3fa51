"""Readings from the pages: one by hand on the idea page, a CSV file for a board."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
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

    With htmx the form posts in the background with an upload progress bar; success sends
    the browser back to the board, errors replace the form. Without JavaScript it is a
    plain form post.
    """
    board = get_object_or_404(selectors.board_detail(), pk=pk)
    require_contribute(request.user)
    form = ReadingImportForm(request.POST or None, request.FILES or None, board=board)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.readings_ingest(
                items=form.items, actor=request.user, default_source="csv"
            )
        except services.ReadingsInvalid as invalid:
            form.add_error("file", _import_errors(invalid.errors))
        except (ValidationError, PermissionDenied) as error:
            form.add_error("file", getattr(error, "messages", None) or str(error))
        else:
            messages.success(request, f"Imported {count:,} readings into “{board.title}”.")
            if request.htmx:
                return HttpResponse(status=204, headers={"HX-Redirect": board.get_absolute_url()})
            return redirect(board)
    template = "research/_import_form.html" if request.htmx else "research/readings_import.html"
    return render(
        request,
        template,
        {"title": f"Import readings · {board.title}", "board": board, "form": form},
        # htmx swaps only 2xx answers; a plain post gets the honest 400.
        status=400 if form.errors and not request.htmx else 200,
    )


def _import_errors(errors: dict[str, dict[str, list[str]]]) -> list[str]:
    """Per-row messages, numbered as lines of the file (line 1 is the header)."""
    lines = []
    for index, fields in sorted(errors.items(), key=lambda item: int(item[0]))[:20]:
        detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in fields.items())
        lines.append(f"Line {int(index) + 2}: {detail}")
    if len(errors) > 20:
        lines.append(f"… and {len(errors) - 20} more lines.")
    return lines


@require_POST
def reading_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one reading from the idea page (its idea's owner or a manager)."""
    reading = get_object_or_404(selectors.reading_detail(), pk=pk)
    services.reading_delete(reading=reading, actor=request.user)
    messages.success(request, f"Deleted the {reading.metric.name} reading of {reading.value:g}.")
    return redirect(f"{reading.idea.get_absolute_url()}#readings")
