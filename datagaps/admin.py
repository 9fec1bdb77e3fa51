"""Admin for data-gap requests: read-only. Every write goes through ``datagaps.services``
from the pages and the API, so the status table, the permissions and the activity log are
never bypassed, and the status history cannot be deleted from here."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import DataGap, DataGapStatusChange


class StatusChangeInline(admin.TabularInline):
    model = DataGapStatusChange
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


@admin.register(DataGap)
class DataGapAdmin(ReadOnlyAdmin):
    list_display = ["title", "project", "status", "urgency", "requester", "assignee", "created_at"]
    list_filter = ["status", "urgency"]
    list_select_related = ["project", "requester", "assignee"]
    search_fields = ["title", "data_needed"]
    inlines = [StatusChangeInline]


@admin.register(DataGapStatusChange)
class DataGapStatusChangeAdmin(ReadOnlyAdmin):
    """The requests' audit trail: never added, changed or deleted here."""

    list_display = ["request", "from_status", "to_status", "actor", "created_at"]
    list_select_related = ["request", "actor"]
