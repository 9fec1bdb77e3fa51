from django.apps import AppConfig


class ResearchConfig(AppConfig):
    """Research idea boards: boards, metrics, ideas and metric readings."""

    name = "research"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.registries import register_gate, register_panel, register_seed, register_tab
        from projects.models import Phase

        from . import selectors
        from .gates import promoted_idea_gate, promoted_idea_gate_many
        from .seed import seed

        register_gate(
            promoted_idea_gate, entering=Phase.IMPLEMENTATION, batch=promoted_idea_gate_many
        )
        register_tab(key="board", label="Board", url_name="research:project-boards", order=30)
        register_seed(key="research", seed=seed, order=30)
        self._register_digest()

        register_panel(
            key="research",
            template="research/_dashboard.html",
            context=lambda user: {
                "ideas": selectors.ideas_owned_by(user),
                "tasks": selectors.open_tasks_of(user),
            },
            order=30,
        )

    @staticmethod
    def _register_digest() -> None:
        from core.registries import register_digest_projects, register_digest_section

        from . import digest

        register_digest_projects(key="research", fetch=digest.digest_projects)
        register_digest_section(
            key="movers",
            title="Top metric movers",
            build=digest.metric_movers,
            order=30,
            noun=("metric mover", "metric movers"),
        )
        register_digest_section(
            key="boards",
            title="How your boards narrowed",
            build=digest.board_narrowing,
            order=40,
        )
