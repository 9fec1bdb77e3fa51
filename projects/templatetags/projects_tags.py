"""Template helpers of the projects app."""

from django import template

from projects import permissions
from projects.selectors import project_colour as _project_colour

register = template.Library()


@register.filter
def project_colour(project_id: int) -> str:
    return _project_colour(project_id)


@register.filter
def may(user, action: str) -> bool:
    """``{% if user|may:"plan_rotations" %}``: the permission function the service uses
    (``projects.permissions.CHECKS``) allows this write, so the page may offer it."""
    return permissions.allows(permissions.CHECKS[action], user)


@register.filter
def may_edit(user, takeaway) -> bool:
    """``{% if user|may_edit:takeaway %}``: the author (a member or up) or an admin."""
    return permissions.allows(permissions.require_edit_takeaway, user, takeaway)
