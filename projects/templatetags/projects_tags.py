"""Template helpers of the projects app."""

from django import template
from django.utils.safestring import mark_safe

from projects.markdown import render_markdown
from projects.models import person_label

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Render markdown to sanitised HTML (nh3 strips anything unsafe)."""
    return mark_safe(render_markdown(text))  # sanitised by nh3


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key) if mapping else None


@register.filter
def person_name(user) -> str:
    if user is None:
        return "Unfilled"
    return person_label(user)


@register.filter
def project_colour(project_id: int) -> str:
    from projects.selectors import project_colour as colour

    return colour(project_id)
