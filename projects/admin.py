"""Admin for the projects app."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from .models import Profile


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
