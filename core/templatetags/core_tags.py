"""Template helpers with no domain: markdown and dictionary lookups."""

from django import template
from django.utils.safestring import mark_safe

from core.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Render markdown to sanitised HTML (nh3 strips anything unsafe)."""
    return mark_safe(render_markdown(text))  # sanitised by nh3


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key) if mapping else None
