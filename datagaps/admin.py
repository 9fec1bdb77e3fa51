"""Admin for data-gap requests: read-only. Every write goes through ``datagaps.services``
from the pages and the API, so the status table, the permissions and the activity log are
never bypassed, and the status history cannot be deleted from here."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import DataGap, DataGapStatusChange


class StatusChangeInline(ReadOnlyInline):
    model = DataGapStatusChange
    fields = ["created_at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields


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
