"""Template helpers about people."""

from django import template

from accounts.models import person_label

register = template.Library()


@register.filter
def person_name(user) -> str:
    """A person's name as shown everywhere; "Unfilled" for a placeholder."""
    return person_label(user)
