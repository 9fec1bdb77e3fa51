from django.apps import AppConfig


class ActivityConfig(AppConfig):
    """The activity log and its fixed enumeration of event types."""

    name = "activity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.registries import register_webhook_events

        from . import receivers  # noqa: F401  (records the events other apps announce)
        from .models import EventType

        register_webhook_events(EventType.choices)
