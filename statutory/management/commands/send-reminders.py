"""`sendpath send-reminders [--on YYYY-MM-DD] [--dry-run]`: the daily reminders, for cron."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from statutory import reminders


class Command(BaseCommand):
    help = "Email each responsible person what falls due in their next N days (one digest each)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", metavar="YYYY-MM-DD", help="the day to run as (default today)")
        parser.add_argument(
            "--dry-run", action="store_true", help="say who would get what; send nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = date.fromisoformat(options["on"]) if options["on"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--on wants a date as YYYY-MM-DD, not {options['on']!r}.") from None
        sent = reminders.send(on, dry_run=options["dry_run"])
        for digest in sent:
            self.stdout.write(f"{digest.user.email}: {digest.subject}")
        verb = "would be sent" if options["dry_run"] else "sent"
        self.stdout.write(f"{len(sent)} reminder(s) {verb} for {on.isoformat()}.")
