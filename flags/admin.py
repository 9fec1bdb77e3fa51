"""Admin for dependency flags: read-only. Every write goes through ``flags.services`` from the
pages and the API, so the rules (who may act, the transition table, notes) and the activity
log are never bypassed, and a flag's history and escalations cannot be deleted here."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Flag, FlagEscalation, FlagStatusChange


class FlagStatusChangeInline(ReadOnlyInline):
    model = FlagStatusChange
    fields = ["created_at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "project",
        "severity",
        "status",
        "raised_in_phase",
        "owner",
        "created_at",
    ]
    list_filter = ["status", "severity", "kind", "raised_in_phase"]
    list_select_related = ["project", "owner"]
    search_fields = ["title", "description", "project__name"]
    inlines = [FlagStatusChangeInline]


@admin.register(FlagEscalation)
class FlagEscalationAdmin(ReadOnlyAdmin):
    """Escalations sent: an audit record, never added, changed or deleted here."""

    list_display = ["flag", "step_days", "opened_at", "created_at"]
    list_select_related = ["flag"]
