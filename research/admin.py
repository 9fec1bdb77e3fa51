"""Admin for research data. Statuses are read-only here: moves go through the service."""

from django.contrib import admin

from .models import Board, Idea, IdeaStatusChange, Metric, Reading, Task


class MetricInline(admin.TabularInline):
    model = Metric
    extra = 0


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "gain_bar", "primary_metric"]
    list_select_related = ["project", "primary_metric"]
    search_fields = ["title", "question", "project__name"]
    inlines = [MetricInline]


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "board", "owner", "status", "maturity"]
    list_filter = ["status", "maturity"]
    list_select_related = ["board", "owner"]
    search_fields = ["title", "hypothesis"]
    readonly_fields = ["status", "dropped_reason", "position"]
    raw_id_fields = ["owner"]
    inlines = [TaskInline]


@admin.register(IdeaStatusChange)
class IdeaStatusChangeAdmin(admin.ModelAdmin):
    list_display = ["idea", "from_status", "to_status", "actor", "created_at"]
    list_select_related = ["idea", "actor"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    list_display = ["idea", "metric", "value", "recorded_at", "source"]
    list_select_related = ["idea", "metric"]
    raw_id_fields = ["idea", "metric", "created_by"]
    # No count(*) over millions of readings on every page.
    show_full_result_count = False
