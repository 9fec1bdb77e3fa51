"""Admin for digests: deliveries by week and state, with retry for failed ones (through the
service); preferences change on each person's settings page."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from core.admin import ReadOnlyAdmin
from core.text import counted

from .models import DigestDelivery, DigestPreference
from .services import delivery_retry


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["user", "week", "status", "result", "attempts", "last_error", "done_at"]
    list_filter = ["week", "status", "result"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "subject"]
    date_hierarchy = "week"
    actions = ["retry"]

    @admin.action(description="Retry the selected failed deliveries")
    def retry(self, request, queryset) -> None:
        retried = 0
        for delivery in queryset:
            try:
                delivery_retry(delivery=delivery, actor=request.user)
                retried += 1
            except ValidationError as error:
                self.message_user(
                    request, f"{delivery}: {' '.join(error.messages)}", messages.WARNING
                )
        if retried:
            self.message_user(
                request,
                f"{counted(retried, 'delivery', 'deliveries')} queued again.",
                messages.SUCCESS,
            )


@admin.register(DigestPreference)
class DigestPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "enabled", "weekday", "hour", "time_zone"]
    list_filter = ["enabled", "weekday", "time_zone"]
