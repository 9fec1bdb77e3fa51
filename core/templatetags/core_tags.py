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


@register.inclusion_tag("core/_badges.html")
def badges(badge_list) -> dict:
    """Render the registered badges of one object (``core.registries.badges_for``)."""
    return {"badges": badge_list or []}


@register.simple_tag
def object_badges(obj) -> list:
    """The registered badges of a single object, for a page about that object (one
    query per registered source)."""
    from core.registries import badges_for

    return badges_for(obj._meta.label_lower, [obj]).get(obj.pk, [])


@register.simple_tag(takes_context=True)
def page_panels(context, obj) -> list:
    """The registered panels of ``obj``'s page for the signed-in person."""
    from core.registries import object_panels

    return object_panels(obj, context["request"].user)


@register.inclusion_tag("core/_downloads.html", takes_context=True)
def downloads(context, on: str, obj=None) -> dict:
    """The registered download links of page ``on`` (``core.registries.register_download``)."""
    from core.registries import downloads_for

    return {"downloads": downloads_for(on, obj, context["request"])}


@register.filter
def highlight(text: str, query: str) -> str:
    """``text`` escaped, with each typed word's occurrences marked (``<mark>``)."""
    import re

    from django.utils.html import escape

    from core.search import search_terms

    terms = sorted(search_terms(query or ""), key=len, reverse=True)
    if not text or not terms:
        return escape(text or "")
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # every piece escaped above


@register.filter
def counted(count: int, nouns: str) -> str:
    """``{{ n|counted:"reading" }}`` or ``{{ n|counted:"delivery,deliveries" }}``: "1 reading",
    "2 deliveries"."""
    from core.text import counted as _counted

    singular, _, plural = nouns.partition(",")
    return _counted(int(count or 0), singular, plural or None)


@register.filter
def key_label(key: str) -> str:
    """A stored choice key as its label, for event data that keeps only the key:
    ``in_progress`` → "In progress", ``prototype`` → "Prototype" (every status and phase
    label in Tandem is its key, spaced and capitalised; a test pins that)."""
    return str(key).replace("_", " ").capitalize() if key else ""
