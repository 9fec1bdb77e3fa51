from django.apps import AppConfig


class ResearchConfig(AppConfig):
    """Research idea boards: boards, metrics, ideas and metric readings."""

    name = "research"
    default_auto_field = "django.db.models.BigAutoField"
