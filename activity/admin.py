"""The activity log in the admin: an audit record, read-only and undeletable."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Activity


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "event", "target_repr", "project"]
    list_filter = ["event"]
    search_fields = ["target_repr"]
    list_select_related = ["actor", "project"]
