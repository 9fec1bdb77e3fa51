"""Admin for dependency flags: read-only. Every write goes through ``flags.services`` from the
pages and the API, so the rules (who may act, the transition table, notes) and the activity
log are never bypassed, and a flag's history and escalations cannot be deleted here."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Flag, FlagEscalation, FlagStatusChange


class FlagStatusChangeInline(admin.TabularInline):
    model = FlagStatusChange
    extra = 0
    can_delete = False
    fields = ["created_at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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
