"""The projects app's kinds of header-search result: projects, takeaways and people.

People are searched here rather than in ``accounts`` because a person's page is theirs in
this app: the project list filtered to the projects they are on.
"""

from django.contrib.auth.models import User
from django.urls import reverse

from accounts.models import person_label
from core.registries import SearchHit
from core.search import may_search, text_search

from .models import Project, Takeaway

PROJECT_TITLE = ["name"]
PROJECT_BODY = ["summary", "customer_value"]
TAKEAWAY_TITLE = ["title"]
TAKEAWAY_BODY = ["text", "tags"]
PERSON_TITLE = ["first_name", "last_name", "username"]


def project_search(user, query: str, limit: int) -> list[SearchHit]:
    """Projects by name (first) and summary or customer value; archived ones too."""
    if not may_search(user):
        return []
    found = text_search(
        Project.objects.all(), title=PROJECT_TITLE, body=PROJECT_BODY, query=query, limit=limit
    )
    return [
        SearchHit(
            title=project.name,
            text=project.summary or project.customer_value,
            url=project.get_absolute_url(),
            rank=project.search_rank,
            detail=project.get_phase_display(),
        )
        for project in found
    ]


def takeaway_search(user, query: str, limit: int) -> list[SearchHit]:
    """Takeaways by title (first), text and tags; each links to its own page of the feed."""
    if not may_search(user):
        return []
    found = text_search(
        Takeaway.objects.select_related("author", "project"),
        title=TAKEAWAY_TITLE,
        body=TAKEAWAY_BODY,
        query=query,
        limit=limit,
    )
    return [
        SearchHit(
            title=takeaway.title,
            text=takeaway.text,
            url=takeaway.get_absolute_url(),
            rank=takeaway.search_rank,
            detail=" · ".join(
                part
                for part in (
                    person_label(takeaway.author),
                    takeaway.project.name if takeaway.project else "",
                )
                if part
            ),
        )
        for takeaway in found
    ]


def person_search(user, query: str, limit: int) -> list[SearchHit]:
    """Active people by name or username (deactivated people are listed nowhere)."""
    if not may_search(user):
        return []
    found = text_search(
        User.objects.filter(is_active=True).select_related("profile"),
        title=PERSON_TITLE,
        body=[],
        query=query,
        limit=limit,
    )
    return [
        SearchHit(
            title=person_label(person),
            text="",
            url=f"{reverse('projects:project-list')}?person={person.pk}",
            rank=person.search_rank,
            detail=person.profile.get_discipline_display() if hasattr(person, "profile") else "",
        )
        for person in found
    ]
