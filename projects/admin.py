"""Admin for the projects app."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import PhaseChange, Project, Rotation, Takeaway, Target


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["position", "kind", "text"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    """Projects. The phase is read-only here too: it moves only through the phase service."""

    list_display = ["name", "phase", "health", "product_manager", "target_release"]
    list_filter = ["phase", "health"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["phase", "created_at", "updated_at"]
    autocomplete_fields = ["product_manager"]
    filter_horizontal = ["members"]
    list_select_related = ["product_manager"]
    inlines = [TargetInline]


@admin.register(PhaseChange)
class PhaseChangeAdmin(ReadOnlyAdmin):
    """The phase history: an audit record, read-only and undeletable."""

    list_display = ["project", "from_phase", "to_phase", "actor", "created_at", "override_reason"]
    list_filter = ["to_phase"]
    list_select_related = ["project", "actor"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "project", "position"]
    list_filter = ["kind"]
    search_fields = ["text", "project__name"]
    list_select_related = ["project"]


@admin.register(Rotation)
class RotationAdmin(admin.ModelAdmin):
    """Rotations and placeholders (a rotation without a person)."""

    list_display = ["project", "person", "role", "start", "planned_end", "actual_end", "allocation"]
    list_filter = ["project", "person__profile__discipline"]
    search_fields = ["role", "project__name", "person__username", "person__last_name"]
    autocomplete_fields = ["person"]
    list_select_related = ["project", "person"]
    date_hierarchy = "start"


@admin.register(Takeaway)
class TakeawayAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "project", "tags", "created_at"]
    search_fields = ["title", "text", "tags"]
    list_filter = ["project"]
    list_select_related = ["author", "project"]
    raw_id_fields = ["rotation"]
