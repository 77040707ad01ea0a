"""`sendpath retention [--school URN] [--dry-run] [--json]`: leavers' SEN files due for erasure."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import School
from interop.retention import retention_run


class Command(BaseCommand):
    help = (
        "List (--dry-run) or erase the leavers' SEN files due for erasure: past the pupil's date "
        "of birth + 31 years (IRMS), or archived by a primary school that passed the file on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", metavar="URN", help="one school (default: every school)")
        parser.add_argument("--dry-run", action="store_true", help="list only; erase nothing")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        school = None
        if options["school"]:
            school = School.objects.filter(urn=options["school"]).first()
            if school is None:
                raise CommandError(f"No school has URN {options['school']}.")
        result = retention_run(
            today=timezone.localdate(), school=school, dry_run=options["dry_run"]
        )
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), indent=2))
            return
        verb = "Due for erasure" if result.dry_run else "Erased"
        self.stdout.write(
            f"{verb}: {len(result.due)} SEN file{'' if len(result.due) == 1 else 's'}."
        )
        for due in result.due:
            self.stdout.write(
                f"  {due.school} UPN {due.upn}, left {due.leaving_date}: {due.reason}"
            )
