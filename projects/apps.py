from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    """Projects, people, phases, rotations, takeaways and the activity log."""

    name = "projects"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the profile signal)
