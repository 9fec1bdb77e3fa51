"""Admin for the projects app: read-only, with a link to the page that edits each row.

Every write of this app goes through a service (activity event, slug and overlap checks,
permissions); the admin has no way to call them with their rules intact, so it only shows
the rows. "View on site" opens the page where the services do the editing.
"""

from django.contrib import admin
from django.urls import reverse

from core.admin import ReadOnlyAdmin

from .models import PhaseChange, Project, Rotation, Takeaway, TakeawayRequest, Target


class ServiceOwnedAdmin(ReadOnlyAdmin):
    """Rows written only through the services: shown here, changed on the site."""


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["position", "kind", "text"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(ServiceOwnedAdmin):
    """Projects; edited on the project page (project_update), moved by the phase service."""

    list_display = ["name", "phase", "health", "product_manager", "target_release"]
    list_filter = ["phase", "health"]
    search_fields = ["name", "slug", "summary"]
    list_select_related = ["product_manager"]
    inlines = [TargetInline]


@admin.register(TakeawayRequest)
class TakeawayRequestAdmin(ReadOnlyAdmin):
    """The takeaway request emails as durable work: pending, sending, done or failed (with
    the last error), for operators; written only by the release and the durable-work runner."""

    list_display = ["rotation", "status", "attempts", "next_attempt_at", "done_at", "last_error"]
    list_filter = ["status"]
    list_select_related = ["rotation__person", "rotation__project"]


@admin.register(PhaseChange)
class PhaseChangeAdmin(ReadOnlyAdmin):
    """The phase history: an audit record, read-only and undeletable."""

    list_display = ["project", "from_phase", "to_phase", "actor", "created_at", "override_reason"]
    list_filter = ["to_phase"]
    list_select_related = ["project", "actor"]


@admin.register(Target)
class TargetAdmin(ServiceOwnedAdmin):
    """Targets; edited inline on their project's page."""

    list_display = ["text", "kind", "project", "position"]
    list_filter = ["kind"]
    search_fields = ["text", "project__name"]
    list_select_related = ["project"]

    def view_on_site(self, target: Target) -> str:
        return reverse("projects:project-detail", kwargs={"slug": target.project.slug})


@admin.register(Rotation)
class RotationAdmin(ServiceOwnedAdmin):
    """Rotations and placeholders (a rotation without a person); edited from the team page."""

    list_display = ["project", "person", "role", "start", "planned_end", "actual_end", "allocation"]
    list_filter = ["project", "person__profile__discipline"]
    search_fields = ["role", "project__name", "person__username", "person__last_name"]
    list_select_related = ["project", "person"]
    date_hierarchy = "start"

    def view_on_site(self, rotation: Rotation) -> str:
        return reverse("projects:rotation-edit", kwargs={"pk": rotation.pk})


@admin.register(Takeaway)
class TakeawayAdmin(ServiceOwnedAdmin):
    """Takeaways; edited by their author (or an admin) on the site."""

    list_display = ["title", "author", "project", "tags", "created_at"]
    search_fields = ["title", "text", "tags"]
    list_filter = ["project"]
    list_select_related = ["author", "project"]

    def view_on_site(self, takeaway: Takeaway) -> str:
        return reverse("projects:takeaway-edit", kwargs={"pk": takeaway.pk})
