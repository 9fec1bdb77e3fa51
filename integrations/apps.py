from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """MLflow-compatible tracking, outgoing webhooks and CSV exports: the last app."""

    name = "integrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.models import Role
        from accounts.permissions import user_has_role
        from core.durable import register_durable
        from core.registries import register_download, register_object_panel, register_panel

        from . import receivers  # noqa: F401  (webhook fan-out on every recorded event)
        from .models import Delivery
        from .panels import board_ideas_csv_url, datagap_queue_csv_url, idea_runs_panel
        from .services.webhooks import delivery_send

        register_durable(model=Delivery, handler=delivery_send, task_name="webhook_deliver")
        register_object_panel(
            key="runs",
            on="research.idea",
            template="integrations/_idea_runs.html",
            context=idea_runs_panel,
            order=20,
        )
        register_panel(
            key="webhooks",
            template="integrations/_dashboard.html",
            context=lambda user: {"can_manage_webhooks": user_has_role(user, Role.ADMIN)},
            order=90,
        )
        # The exports on the pages they export, with the page's own filters.
        register_download(
            key="csv", on="datagaps.queue", label="CSV of these requests", url=datagap_queue_csv_url
        )
        register_download(
            key="csv", on="research.board", label="CSV of the ideas", url=board_ideas_csv_url
        )
