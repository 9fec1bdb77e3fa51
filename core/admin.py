"""Admin building blocks: the admin is an adapter like the views."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """An audit record (activity, phase and status history): shown, never added, changed or
    deleted from the admin."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """An audit record's rows under their object (a status history): shown, never added,
    changed or deleted from the admin."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
