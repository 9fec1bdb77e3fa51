from django.apps import AppConfig


class ResearchConfig(AppConfig):
    """Research idea boards: boards, metrics, ideas and metric readings."""

    name = "research"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from projects.gates import register_gate
        from projects.models import Phase

        from .gates import promoted_idea_gate

        register_gate(promoted_idea_gate, entering=Phase.IMPLEMENTATION)

        from projects.tabs import register_tab

        register_tab(key="board", label="Board", url_name="research:project-boards", order=30)

        from projects.panels import register_panel

        from . import selectors

        register_panel(
            key="research",
            template="research/_dashboard.html",
            context=lambda user: {
                "ideas": selectors.ideas_owned_by(user),
                "tasks": selectors.open_tasks_of(user),
            },
            order=30,
        )
