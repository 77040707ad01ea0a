"""`sendpath ehc-caseload --la CODE --officer USERNAME (--narrow | --widen)`: narrow an LA
officer to the EHC cases whose caseworker they are, or widen them back to every case of the LA."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import LocalAuthority, User
from statutory import services


class Command(BaseCommand):
    help = "Narrow an LA officer to their own EHC caseload, or widen them to the whole LA."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--la", metavar="CODE", required=True)
        parser.add_argument("--officer", metavar="USERNAME", required=True)
        how = parser.add_mutually_exclusive_group(required=True)
        how.add_argument("--narrow", action="store_true", help="only their own caseload")
        how.add_argument("--widen", action="store_true", help="every case of the LA")

    def handle(self, *args: Any, **options: Any) -> None:
        la = LocalAuthority.objects.filter(code=options["la"]).first()
        if la is None:
            raise CommandError(f"No local authority has code {options['la']}.")
        officer = User.objects.filter(username=options["officer"]).first()
        if officer is None:
            raise CommandError(f"No user is called {options['officer']}.")
        try:
            changed = services.caseload_narrow(
                officer=officer, la_id=la.pk, narrowed=options["narrow"], by=None
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        scope = "their own caseload" if options["narrow"] else f"every EHC case of {la.name}"
        state = "now sees" if changed else "already saw"
        self.stdout.write(f"{officer.username} {state} {scope}.")
