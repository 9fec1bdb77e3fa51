"""The projects app's kinds of header-search result: projects, takeaways and people.

People are searched here rather than in ``accounts`` because a person's page is theirs in
this app: the project list filtered to the projects they are on.
"""

from django.contrib.auth.models import User
from django.urls import reverse

from accounts.models import person_label
from core.registries import SearchHit
from core.search import detail_line, search_hits

from .models import Project, Takeaway

PROJECT_TITLE = ["name"]
PROJECT_BODY = ["summary", "customer_value"]
TAKEAWAY_TITLE = ["title"]
TAKEAWAY_BODY = ["text", "tags"]
PERSON_TITLE = ["first_name", "last_name", "username"]


def project_search(user, query: str, limit: int) -> list[SearchHit]:
    """Projects by name (first) and summary or customer value; archived ones too."""
    return search_hits(
        user,
        Project.objects.all(),
        title=PROJECT_TITLE,
        body=PROJECT_BODY,
        query=query,
        limit=limit,
        hit=lambda project: SearchHit(
            title=project.name,
            text=project.summary or project.customer_value,
            url=project.get_absolute_url(),
            detail=project.get_phase_display(),
        ),
    )


def takeaway_search(user, query: str, limit: int) -> list[SearchHit]:
    """Takeaways by title (first), text and tags; each links to its own page of the feed."""
    return search_hits(
        user,
        Takeaway.objects.select_related("author", "project"),
        title=TAKEAWAY_TITLE,
        body=TAKEAWAY_BODY,
        query=query,
        limit=limit,
        hit=lambda takeaway: SearchHit(
            title=takeaway.title,
            text=takeaway.text,
            url=takeaway.get_absolute_url(),
            detail=detail_line(
                person_label(takeaway.author),
                takeaway.project.name if takeaway.project else "",
            ),
        ),
    )


def person_search(user, query: str, limit: int) -> list[SearchHit]:
    """Active people by name or username (deactivated people are listed nowhere)."""
    people_url = reverse("projects:project-list")
    return search_hits(
        user,
        User.objects.filter(is_active=True).select_related("profile"),
        title=PERSON_TITLE,
        body=[],
        query=query,
        limit=limit,
        hit=lambda person: SearchHit(
            title=person_label(person),
            text="",
            url=f"{people_url}?person={person.pk}",
            detail=person.profile.get_discipline_display() if hasattr(person, "profile") else "",
        ),
    )
