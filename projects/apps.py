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
        from .tabs import register_tab

        register_gate(gate_needs_a_target, leaving=Phase.RESEARCH)
        register_tab(key="overview", label="Overview", url_name="projects:project-detail", order=10)
        register_tab(key="team", label="Team", url_name="projects:project-team", order=20)
        register_tab(
            key="takeaways", label="Takeaways", url_name="projects:project-takeaways", order=70
        )
        register_tab(
            key="timeline", label="Timeline", url_name="projects:project-timeline", order=80
        )
