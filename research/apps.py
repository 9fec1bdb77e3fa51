from django.apps import AppConfig


class ResearchConfig(AppConfig):
    """Research idea boards: boards, metrics, ideas and metric readings."""

    name = "research"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.registries import register_gate, register_panel, register_seed, register_tab
        from projects.models import Phase

        from . import selectors
        from .gates import promoted_idea_gate
        from .seed import seed

        register_gate(promoted_idea_gate, entering=Phase.IMPLEMENTATION)
        register_tab(key="board", label="Board", url_name="research:project-boards", order=30)
        register_seed(key="research", seed=seed, order=30)

        register_panel(
            key="research",
            template="research/_dashboard.html",
            context=lambda user: {
                "ideas": selectors.ideas_owned_by(user),
                "tasks": selectors.open_tasks_of(user),
            },
            order=30,
        )
