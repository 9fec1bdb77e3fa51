from django.apps import AppConfig


class DigestsConfig(AppConfig):
    """Weekly digests: preferences, one delivery per person and week, the send job."""

    name = "digests"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.durable import register_durable
        from core.registries import register_nav

        from .models import DigestDelivery
        from .services import digest_send

        # Each delivery is work that must happen: a row, claimed, sent, marked done.
        register_durable(
            model=DigestDelivery, handler=digest_send, task_name="digest_delivery_send"
        )
        register_nav(label="Digest", url_name="digests:settings", prefix="digests:", order=90)
