"""The demo people every other app's demo data refers to."""

from django.contrib.auth.models import User

from .models import Discipline, Profile, Role
from .services import person_create

DEMO_PASSWORD = "tandem-demo"

# username, first, last, discipline, role
DEMO_PEOPLE = [
    ("admin", "Ada", "Admin", Discipline.MANAGER, Role.ADMIN),
    ("manager", "Maya", "Okafor", Discipline.MANAGER, Role.MANAGER),
    ("scientist", "Sam", "Lindqvist", Discipline.DATA_SCIENTIST, Role.MEMBER),
    ("engineer", "Eli", "Navarro", Discipline.SOFTWARE_ENGINEER, Role.MEMBER),
    ("dataeng", "Dana", "Kowalski", Discipline.DATA_ENGINEER, Role.MEMBER),
    ("viewer", "Vic", "Moreau", Discipline.PRODUCT_MANAGER, Role.VIEWER),
]


def seed_people(people, *, stdout=None) -> int:
    """Create the people in ``people`` (username, first, last, discipline, role) who do not
    exist yet; return how many were created."""
    created = 0
    for username, first, last, discipline, role in people:
        if User.objects.filter(username=username).exists():
            continue
        person_create(
            username=username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@example.com",
            discipline=discipline,
            role=role,
        )
        created += 1
    return created


def seed(*, stdout) -> None:
    """The six demo sign-ins; ``admin`` is a superuser."""
    created = seed_people(DEMO_PEOPLE)
    User.objects.filter(username="admin").update(is_staff=True, is_superuser=True)
    Profile.objects.filter(user__username="admin").update(role=Role.ADMIN)
    stdout.write(
        f"{created} demo people created. Log in as admin, manager, scientist, engineer, "
        f"dataeng or viewer with the password: {DEMO_PASSWORD}"
    )
