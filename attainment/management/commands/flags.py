"""`sendpath flags --school URN [--on DATE] [--json]`: the four criteria's flags for a school."""

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import School
from attainment.selectors import school_flags


def flags_report(school: School, on: date) -> dict[str, Any]:
    """What the command prints with --json (and the API answers)."""
    return {
        "school": school.urn,
        "on": on.isoformat(),
        "flags": [f.as_json() for f in school_flags(school, on)],
    }


class Command(BaseCommand):
    help = "List the pupils whose progress meets the Code's criteria (seed 003), with the reasons."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", metavar="URN", required=True)
        parser.add_argument("--on", metavar="DATE", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--json", action="store_true", help="print the flags as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(urn=options["school"]).first()
        if school is None:
            raise CommandError(f"No school has URN {options['school']}.")
        on = timezone.localdate()
        if options["on"]:
            try:
                on = date.fromisoformat(options["on"])
            except ValueError:
                raise CommandError(f"--on: {options['on']} is not a date (YYYY-MM-DD).") from None
        report = flags_report(school, on)
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        self.stdout.write(f"{len(report['flags'])} flag(s) at {school} on {on:%d %B %Y}.")
        for flag in report["flags"]:
            criteria = ", ".join(str(c) for c in flag["criteria"])
            self.stdout.write(f"{flag['upn']} (criteria {criteria}): {flag['explanation']}")
