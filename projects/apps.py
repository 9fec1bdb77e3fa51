from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    """Projects, people, phases, rotations, takeaways and the activity log."""

    name = "projects"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the profile signal)
        from .gates import register_gate
        from .models import Phase
        from .services import gate_needs_a_target

        register_gate(gate_needs_a_target, leaving=Phase.RESEARCH)
