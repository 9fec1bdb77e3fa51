"""Admin for the projects app."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from .models import Activity, PhaseChange, Profile, Project, Rotation, Takeaway, Target


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ["discipline", "role"]


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    """People: Django users with their Tandem profile inline."""

    inlines = [ProfileInline]
    list_display = ["username", "first_name", "last_name", "email", "discipline", "role"]
    list_select_related = ["profile"]
    list_filter = ["profile__role", "profile__discipline", "is_active"]

    @admin.display(ordering="profile__discipline")
    def discipline(self, user: User) -> str:
        return user.profile.get_discipline_display()

    @admin.display(ordering="profile__role")
    def role(self, user: User) -> str:
        return user.profile.get_role_display()


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "discipline", "role"]
    list_filter = ["role", "discipline"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]


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
class PhaseChangeAdmin(admin.ModelAdmin):
    """The phase history: an audit record, read-only."""

    list_display = ["project", "from_phase", "to_phase", "actor", "created_at", "override_reason"]
    list_filter = ["to_phase"]
    list_select_related = ["project", "actor"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


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


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """The activity log: read-only."""

    list_display = ["created_at", "actor", "verb", "target_repr", "project"]
    list_filter = ["verb"]
    search_fields = ["verb", "target_repr"]
    list_select_related = ["actor", "project"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
