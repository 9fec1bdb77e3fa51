"""``manage.py seed_demo``: an idempotent demo workspace."""

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction

from projects.models import Discipline, Profile, Role
from projects.seed import DEMO_PASSWORD
from projects.services import person_create

# username, first, last, discipline, role
DEMO_PEOPLE = [
    ("admin", "Ada", "Admin", Discipline.MANAGER, Role.ADMIN),
    ("manager", "Maya", "Okafor", Discipline.MANAGER, Role.MANAGER),
    ("scientist", "Sam", "Lindqvist", Discipline.DATA_SCIENTIST, Role.MEMBER),
    ("engineer", "Eli", "Navarro", Discipline.SOFTWARE_ENGINEER, Role.MEMBER),
    ("dataeng", "Dana", "Kowalski", Discipline.DATA_ENGINEER, Role.MEMBER),
    ("viewer", "Vic", "Moreau", Discipline.PRODUCT_MANAGER, Role.VIEWER),
]


class Command(BaseCommand):
    help = "Create (or top up) demo data. Safe to run repeatedly: nothing is duplicated."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        created = 0
        for username, first, last, discipline, role in DEMO_PEOPLE:
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
        User.objects.filter(username="admin").update(is_staff=True, is_superuser=True)
        Profile.objects.filter(user__username="admin").update(role=Role.ADMIN)
        for seed in self._later_seeds():
            seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} people created)."))
        self.stdout.write(
            "Log in as admin, manager, scientist, engineer, dataeng or viewer "
            f"with the password: {DEMO_PASSWORD}"
        )

    def _later_seeds(self) -> list:
        """Each slice's own demo data, in dependency order; every one is idempotent too."""
        from projects.seed import seed as seed_projects
        from research.seed import seed as seed_research

        return [seed_projects, seed_research]
