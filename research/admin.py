"""Admin for research data: read-only. Every write goes through ``research.services`` from
the pages and the API, so the rules (roles, the status table, finite values) and the
activity log are never bypassed, and the status history cannot be deleted from here."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Board, Idea, IdeaStatusChange, Metric, Reading, Task


class MetricInline(ReadOnlyInline):
    model = Metric


class TaskInline(ReadOnlyInline):
    model = Task


@admin.register(Board)
class BoardAdmin(ReadOnlyAdmin):
    list_display = ["title", "project", "gain_bar", "primary_metric"]
    list_select_related = ["project", "primary_metric"]
    search_fields = ["title", "question", "project__name"]
    inlines = [MetricInline]


@admin.register(Idea)
class IdeaAdmin(ReadOnlyAdmin):
    list_display = ["title", "board", "owner", "status", "maturity"]
    list_filter = ["status", "maturity"]
    list_select_related = ["board", "owner"]
    search_fields = ["title", "hypothesis"]
    inlines = [TaskInline]


@admin.register(IdeaStatusChange)
class IdeaStatusChangeAdmin(ReadOnlyAdmin):
    """The funnel's audit trail: never added, changed or deleted here."""

    list_display = ["idea", "from_status", "to_status", "actor", "created_at"]
    list_select_related = ["idea", "actor"]


@admin.register(Reading)
class ReadingAdmin(ReadOnlyAdmin):
    list_display = ["idea", "metric", "value", "recorded_at", "source"]
    list_select_related = ["idea", "metric"]
    # No count(*) over millions of readings on every page.
    show_full_result_count = False
