from django.apps import AppConfig


class DatagapsConfig(AppConfig):
    """Data-gap requests: what data scientists lack, the data engineers' queue, recurring asks."""

    name = "datagaps"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core.registries import (
            register_digest_section,
            register_nav,
            register_object_panel,
            register_panel,
            register_project_count,
            register_seed,
            register_tab,
        )

        from . import selectors
        from .digest import engineer_queue, gap_news
        from .seed import seed

        register_seed(key="datagaps", seed=seed, order=40)
        from core.registries import register_search

        from .search import datagap_search

        register_search(key="data-gaps", label="Data gaps", search=datagap_search, order=60)
        register_digest_section(
            key="datagaps",
            title="Data gaps on your projects",
            build=gap_news,
            order=60,
            noun=("data gap delivered", "data gaps delivered"),
        )
        register_digest_section(
            key="datagaps-queue",
            title="Your data-gap queue",
            build=engineer_queue,
            order=90,
        )
        register_tab(key="datagaps", label="Data gaps", url_name="datagaps:project", order=50)
        register_nav(label="Data gaps", url_name="datagaps:queue", prefix="datagaps:", order=30)
        register_project_count(
            key="datagaps",
            label="Open data gaps",
            noun=("open data gap", "open data gaps"),
            expression=selectors.open_datagap_count,
            url_name="datagaps:project",
            order=20,
        )
        register_panel(
            key="datagaps",
            template="datagaps/_dashboard.html",
            context=selectors.dashboard_panel,
            order=40,
        )
        register_object_panel(
            key="datagaps",
            on="research.idea",
            template="datagaps/_idea_panel.html",
            context=selectors.idea_panel,
            order=20,
        )
