"""Template helpers of the projects app."""

from django import template

register = template.Library()


@register.filter
def project_colour(project_id: int) -> str:
    from projects.selectors import project_colour as colour

    return colour(project_id)
