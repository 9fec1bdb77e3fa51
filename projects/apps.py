from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    """Projects, phases and gates, targets, rotations and takeaways."""

    name = "projects"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.durable import register_durable
        from core.registries import (
            register_gate,
            register_nav,
            register_seed,
            register_tab,
            register_ungated,
        )

        from .models import Phase, TakeawayRequest
        from .seed import seed
        from .services import gate_needs_a_target, gate_needs_a_target_many, takeaway_request_send

        register_seed(key="projects", seed=seed, order=20)
        self._register_search()
        self._register_digest()
        # The "what did you learn?" email of a rotation a release ended: work that must happen.
        register_durable(
            model=TakeawayRequest, handler=takeaway_request_send, task_name="takeaway_request_send"
        )

        register_gate(gate_needs_a_target, leaving=Phase.RESEARCH, batch=gate_needs_a_target_many)
        # Archiving is never gated: gates ask for evidence before going further, and
        # stopping a project needs none.
        register_ungated(Phase.ARCHIVED)
        register_nav(
            label="Projects", url_name="projects:project-list", prefix="projects:project", order=10
        )
        register_nav(
            label="Staffing", url_name="projects:staffing", prefix="projects:staffing", order=20
        )
        register_nav(
            label="Portfolio",
            url_name="projects:portfolio",
            prefix="projects:portfolio",
            order=15,
        )
        register_nav(
            label="Takeaways",
            url_name="projects:takeaway-list",
            prefix="projects:takeaway",
            order=40,
        )
        register_tab(key="overview", label="Overview", url_name="projects:project-detail", order=10)
        register_tab(key="team", label="Team", url_name="projects:project-team", order=20)
        register_tab(
            key="takeaways", label="Takeaways", url_name="projects:project-takeaways", order=70
        )
        register_tab(
            key="timeline", label="Timeline", url_name="projects:project-timeline", order=80
        )

    @staticmethod
    def _register_search() -> None:
        from core.registries import register_search

        from .search import person_search, project_search, takeaway_search

        register_search(key="projects", label="Projects", search=project_search, order=10)
        register_search(key="takeaways", label="Takeaways", search=takeaway_search, order=40)
        register_search(key="people", label="People", search=person_search, order=50)

    @staticmethod
    def _register_digest() -> None:
        from core.registries import register_digest_projects, register_digest_section

        from . import digest

        register_digest_projects(key="projects", fetch=digest.digest_projects)
        register_digest_section(
            key="takeaways",
            title="Takeaways the data team shared",
            build=digest.takeaways_of_the_week,
            order=10,
            noun=("takeaway", "takeaways"),
        )
        register_digest_section(
            key="phases",
            title="Phase changes on your projects",
            build=digest.phase_changes,
            order=20,
            noun=("phase change", "phase changes"),
        )
        register_digest_section(
            key="rotations",
            title="Rotations starting or ending in the next 14 days",
            build=digest.rotations_ahead,
            order=70,
        )
        register_digest_section(
            key="takeaways-asked",
            title="Takeaways asked of you",
            build=digest.takeaways_asked,
            order=80,
        )
