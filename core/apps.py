from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The framework under every Tandem app: API plumbing, middleware, registries, health.

    It knows no domain app; apps plug their tabs, panels, gates, digest sections and webhook
    events into the registries in :mod:`core.registries` from their own ``ready()``.
    """

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"
