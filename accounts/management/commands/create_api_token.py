"""``manage.py create_api_token USERNAME --name NAME [--expires-days N]``: a token for
automation. It prints only the key, so a script can capture it; errors go to stderr."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create a named personal API token for USERNAME and print its key (shown once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What uses the token.")
        parser.add_argument(
            "--expires-days", type=int, default=None, help="Expire after N days (default never)."
        )

    def handle(self, *args, username: str, name: str, expires_days: int | None, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named “{username}”.")
        expires_at = None
        if expires_days is not None:
            expires_at = timezone.now() + datetime.timedelta(days=expires_days)
        try:
            _, key = api_token_create(user=user, name=name, actor=user, expires_at=expires_at)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(key)
