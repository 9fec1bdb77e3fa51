"""Admin for people and their API tokens."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from .models import ApiToken, Profile


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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Everyone's API tokens: admins see them and revoke them (keys are never shown)."""

    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset) -> None:
        from .services import api_token_revoke

        for token in queryset:
            api_token_revoke(token=token, actor=request.user)
        self.message_user(request, f"Revoked {queryset.count()} token(s).")
