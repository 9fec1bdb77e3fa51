from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """People, profiles, roles, permission predicates and personal API tokens."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.registries import register_seed

        from . import receivers  # noqa: F401  (connects the profile signal)
        from .seed import seed

        register_seed(key="accounts", seed=seed, order=10)
