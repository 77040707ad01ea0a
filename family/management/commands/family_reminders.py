"""`sendpath family_reminders [--base-url URL]`: email parents whose views before a review have
opened (once per parent and cycle). Run it daily, from cron or a systemd timer."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from family.services import views_reminders_send


class Command(BaseCommand):
    help = "Email each parent whose child's views before a review have opened, once per review."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url", default="", help="The site's address for the links, e.g. https://..."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = views_reminders_send(today=timezone.localdate(), base_url=options["base_url"])
        self.stdout.write(f"{sent} reminder{'s' if sent != 1 else ''} sent.")
