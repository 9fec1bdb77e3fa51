"""``manage.py seed_demo``: an idempotent demo workspace, each app adding its own part."""

from django.core.management.base import BaseCommand
from django.db import transaction

from core.registries import seeds


class Command(BaseCommand):
    help = "Create (or top up) demo data. Safe to run repeatedly: nothing is duplicated."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        for seed in seeds():
            seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
