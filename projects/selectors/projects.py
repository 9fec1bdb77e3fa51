"""Projects: the list with its counts, one by slug, a person's, the team, the targets and
the phase history."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db.models import (
    Case,
    DateField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from accounts.selectors import person_list

from ..models import PhaseChange, Project, Rotation, Target
from ._common import _today, active_on_q, current_or_planned_q


class SubqueryCount(Subquery):
    """``COUNT(*)`` of a subquery's rows, as a column of the outer query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _rows)"
    output_field = IntegerField()


def project_list(*, today: datetime.date | None = None) -> QuerySet[Project]:
    """Projects with their product manager and counts of targets, team (members, current and
    planned rotations) and open demand (the portfolio builds on these rows)."""
    today = today or _today()
    return Project.objects.select_related("product_manager").annotate(
        target_count=SubqueryCount(Target.objects.filter(project=OuterRef("pk")).values("pk")),
        team_size=project_people_current_and_planned_count(today),
        open_demand=project_unfilled_demand_count(today),
    )


def project_by_slug(slug: str) -> Project | None:
    """The project whose slug is ``slug``; ``None`` when there is none or ``slug`` could not
    be a slug at all (a NUL, spaces, longer than the field), so text from a query parameter
    never reaches the database as a value it cannot hold."""
    if not slug or len(slug) > Project._meta.get_field("slug").max_length:
        return None
    try:
        validate_slug(slug)
    except ValidationError:
        return None
    return Project.objects.filter(slug=slug).first()


def person_projects_q(person) -> Q:
    """Projects a person is on: any rotation, a membership, or as product manager."""
    return (
        Q(pk__in=Rotation.objects.filter(person=person).values("project"))
        | Q(pk__in=Project.members.through.objects.filter(user=person).values("project"))
        | Q(product_manager=person)
    )


def project_team(project: Project) -> QuerySet[User]:
    """The team: members and people with a rotation running today or planned, by name (the
    people ``project_list`` counts). ``planned_from`` is the first planned start of someone
    who is on the team only through a planned rotation, else ``None``."""
    today = _today()
    rotations = Rotation.objects.filter(project=project, person=OuterRef("pk"))
    planned = rotations.filter(start__gt=today).order_by("start").values("start")[:1]
    return (
        person_list()
        .filter(
            Q(member_projects=project)
            | Q(
                pk__in=Rotation.objects.filter(current_or_planned_q(today), project=project).values(
                    "person"
                )
            )
        )
        .distinct()
        .annotate(
            planned_from=Case(
                When(
                    Q(Exists(rotations.filter(active_on_q(today))))
                    | Q(
                        Exists(
                            Project.members.through.objects.filter(
                                project=project, user=OuterRef("pk")
                            )
                        )
                    ),
                    then=Value(None),
                ),
                default=Subquery(planned),
                output_field=DateField(),
            )
        )
    )


def target_list() -> QuerySet[Target]:
    """Every project's targets and scenarios, each project's in its order."""
    return Target.objects.order_by("project_id", "position", "id")


def project_targets(project: Project) -> QuerySet[Target]:
    return target_list().filter(project=project)


def project_phase_changes(project: Project) -> QuerySet[PhaseChange]:
    return project.phase_changes.select_related("actor")


# --- team counts that include the planned rotations -------------------------------------------


def project_people_current_and_planned_count(today: datetime.date | None = None) -> SubqueryCount:
    """An annotation for ``Project`` rows: how many distinct people are on the team now or
    planned to join it — members, people with a rotation running ``today`` and people with
    a rotation starting after ``today``. Placeholders are demand, not people: not counted."""
    today = today or _today()
    # Nested one level deeper than the people query, hence the double OuterRef.
    staffed = Rotation.objects.filter(
        current_or_planned_q(today), project=OuterRef(OuterRef("pk")), person__isnull=False
    )
    people = (
        User.objects.filter(Q(member_projects=OuterRef("pk")) | Q(pk__in=staffed.values("person")))
        .order_by()
        .values("pk")
        .distinct()
    )
    return SubqueryCount(people)


def project_unfilled_demand_count(today: datetime.date | None = None) -> SubqueryCount:
    """An annotation for ``Project`` rows: placeholders running ``today`` or still ahead."""
    today = today or _today()
    demand = Rotation.objects.filter(
        current_or_planned_q(today), project=OuterRef("pk"), person__isnull=True
    )
    return SubqueryCount(demand.values("pk"))
