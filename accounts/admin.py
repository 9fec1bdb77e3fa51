"""Admin for people and their API tokens.

An adapter like the views: a profile's role and discipline change only through
``services.profile_update`` (which decides who may and records the event), and people are
never deleted here, since that would cascade their rotations, takeaways and requests away
without a trace. Deactivate them instead (untick "active").
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from . import services
from .models import ApiToken, Profile


class ProfileAdminForm(forms.ModelForm):
    """Shows the service's refusal (the last admin keeps the role) on the role field."""

    class Meta:
        model = Profile
        fields = list(services.PROFILE_EDITABLE_FIELDS)

    def clean(self):
        data = super().clean()
        if self.instance.pk is not None:
            try:
                services.profile_check_role_change(profile=self.instance, role=data.get("role"))
            except ValidationError as error:
                self.add_error(None, error)
        return data


def _update_profile(request, profile: Profile, form) -> None:
    services.profile_update(
        profile=profile,
        actor=request.user,
        **{field: form.cleaned_data[field] for field in services.PROFILE_EDITABLE_FIELDS},
    )


class ProfileInline(admin.StackedInline):
    """The person's profile; saved through the service by ``PersonAdmin.save_formset``."""

    model = Profile
    form = ProfileAdminForm
    can_delete = False
    fields = list(services.PROFILE_EDITABLE_FIELDS)


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    """People: Django users with their Tandem profile inline. Not deletable: deactivate."""

    inlines = [ProfileInline]
    list_display = ["username", "first_name", "last_name", "email", "discipline", "role"]
    list_select_related = ["profile"]
    list_filter = ["profile__role", "profile__discipline", "is_active"]

    def get_inlines(self, request, obj):
        # A new user gets a profile from the post_save signal; its role is set afterwards,
        # on the change page, through the service.
        return self.inlines if obj is not None else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Profile:
            super().save_formset(request, form, formset, change)
            return
        # What the admin's change message reads (``construct_change_message``).
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for profile_form in formset.forms:
            if profile_form.has_changed():
                _update_profile(request, profile_form.instance, profile_form)
                formset.changed_objects.append((profile_form.instance, profile_form.changed_data))

    @admin.display(ordering="profile__discipline")
    def discipline(self, user: User) -> str:
        return user.profile.get_discipline_display()

    @admin.display(ordering="profile__role")
    def role(self, user: User) -> str:
        return user.profile.get_role_display()


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    """Profiles: role and discipline change through the service; profiles come and go with
    their users, so none is added or deleted here."""

    list_display = ["user", "discipline", "role"]
    list_filter = ["role", "discipline"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    form = ProfileAdminForm
    fields = ["user", *services.PROFILE_EDITABLE_FIELDS]
    readonly_fields = ["user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        _update_profile(request, obj, form)


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
        for token in queryset:
            services.api_token_revoke(token=token, actor=request.user)
        self.message_user(request, f"Revoked {queryset.count()} token(s).")
