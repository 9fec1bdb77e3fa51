from django.apps import AppConfig


class FlagsConfig(AppConfig):
    """Dependency flags: engineering dependencies raised early, escalated, and measured."""

    name = "flags"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.registries import (
            register_badges,
            register_digest_section,
            register_gate,
            register_nav,
            register_object_panel,
            register_panel,
            register_project_count,
            register_seed,
            register_tab,
        )
        from projects.models import Phase

        from . import selectors
        from .digest import flag_news
        from .gates import critical_flag_gate, critical_flag_gate_many
        from .permissions import can_raise
        from .seed import seed

        register_gate(
            critical_flag_gate, entering=Phase.IMPLEMENTATION, batch=critical_flag_gate_many
        )
        register_tab(key="flags", label="Flags", url_name="flags:project-flags", order=40)
        register_nav(label="Flags", url_name="flags:flag-list", prefix="flags:", order=35)
        register_seed(key="flags", seed=seed, order=50)
        from core.registries import register_search

        from .search import flag_search

        register_search(key="flags", label="Flags", search=flag_search, order=70)
        register_digest_section(
            key="flags",
            title="Dependency flags on your projects",
            build=flag_news,
            order=50,
            noun=("new flag", "new flags"),
        )
        register_badges(key="flags", on="research.idea", fetch=selectors.idea_badges)
        register_badges(key="flags", on="projects.project", fetch=selectors.project_badges)
        register_project_count(
            key="flags",
            label="Open flags",
            noun=("open flag", "open flags"),
            expression=selectors.open_flag_count,
            url_name="flags:project-flags",
            order=10,
        )
        register_object_panel(
            key="flags",
            on="research.idea",
            template="flags/_idea_panel.html",
            context=lambda idea, user: {
                "flags": selectors.idea_flags(idea),
                "idea": idea,
                "can_raise": can_raise(user),
            },
            order=50,
        )
        register_panel(
            key="flags",
            template="flags/_dashboard.html",
            context=lambda user: {
                "owned_flags": selectors.flags_owned_by(user),
                "unacknowledged_flags": selectors.flags_unacknowledged_for(user),
            },
            order=40,
        )
