from django.apps import AppConfig
from django.utils import timezone

# The project overview lists this many tasks (open first); the board tab lists them all.
PROJECT_TASKS_SHOWN = 30


class ResearchConfig(AppConfig):
    """Research idea boards: boards, metrics, ideas and metric readings."""

    name = "research"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.registries import (
            register_gate,
            register_nav,
            register_object_panel,
            register_panel,
            register_seed,
            register_tab,
        )
        from projects.models import Phase

        from . import selectors
        from .gates import promoted_idea_gate, promoted_idea_gate_many
        from .permissions import can_contribute
        from .seed import seed

        register_gate(
            promoted_idea_gate, entering=Phase.IMPLEMENTATION, batch=promoted_idea_gate_many
        )
        register_tab(key="board", label="Board", url_name="research:project-boards", order=30)
        register_seed(key="research", seed=seed, order=30)
        # "research:board" marks the list and every board page as the current item.
        register_nav(label="Boards", url_name="research:boards", prefix="research:board", order=25)
        from core.registries import register_search

        from .search import board_search, idea_search

        register_search(key="boards", label="Boards", search=board_search, order=20)
        register_search(key="ideas", label="Ideas", search=idea_search, order=30)
        self._register_digest()

        register_panel(
            key="research",
            template="research/_dashboard.html",
            context=lambda user: {
                "ideas": selectors.ideas_owned_by(user),
                # A viewer cannot propose: the panel does not invite them to.
                "can_contribute": can_contribute(user),
                "tasks": selectors.open_tasks_of(user),
                "claimable": selectors.claimable_tasks_for(user),
                "today": timezone.localdate(),
            },
            order=30,
        )
        register_nav(
            label="My tasks", url_name="research:my-tasks", prefix="research:my-tasks", order=25
        )
        # The tasks of the project's promoted ideas on its overview (projects cannot import
        # research, so the panel is registered from here).
        register_object_panel(
            key="tasks",
            on="projects.project",
            template="research/_project_tasks.html",
            context=lambda project, user: {
                "tasks": selectors.tasks_for_project(project)[:PROJECT_TASKS_SHOWN],
                "released": project.phase in (Phase.RELEASED, Phase.MONITORING),
                "limit": PROJECT_TASKS_SHOWN,
                "today": timezone.localdate(),
            },
            order=20,
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
