"""``manage.py send_digests [--week 2026-W48] [--person NAME] [--dry-run]``."""

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.text import counted
from digests import selectors, services


class Command(BaseCommand):
    help = (
        "Without --week: what the hourly job does (queue the digests whose send time has "
        "come). With --week: send that week's digest now to everyone (or --person) who has "
        "not had it, whatever their send hour. --dry-run lists who would get one."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--week", help="An ISO week, e.g. 2026-W48.")
        parser.add_argument("--person", help="A username: only this person.")
        parser.add_argument("--dry-run", action="store_true", help="Say who, send nothing.")

    def handle(self, *args, week=None, person=None, dry_run=False, **options) -> None:
        who = None
        if person:
            who = User.objects.filter(username=person).first()
            if who is None:
                raise CommandError(f"No person with the username {person!r}.")
        if week:
            try:
                monday = selectors.parse_week(week)
            except ValueError:
                raise CommandError(f"{week!r} is not an ISO week such as 2026-W48.") from None
            if dry_run:
                people = selectors.people_with_settings().filter(digest_enabled=True)
                if who:
                    people = people.filter(pk=who.pk)
                made = set(
                    services.DigestDelivery.objects.filter(week=monday).values_list(
                        "user_id", flat=True
                    )
                )
                names = [p.username for p in people if p.pk not in made]
                self.stdout.write(
                    f"Would send {counted(len(names), 'digest')} for {week}: {', '.join(names)}"
                )
                return
            ids = services.digests_send_week(week=monday, person=who)
            self.stdout.write(f"Queued {counted(len(ids), 'digest')} for {week}.")
            return
        if dry_run:
            due = selectors.due_people(timezone.now())
            if who:
                due = [(pk, s) for pk, s in due if pk == who.pk]
            self.stdout.write(f"Would queue {counted(len(due), 'digest')} now.")
            return
        if who:
            raise CommandError("--person needs --week (the hourly job serves everyone).")
        count = services.digests_schedule()
        self.stdout.write(f"Queued {counted(count, 'digest')}.")
