"""`sendpath compliance --school URN | --la CODE [--on YYYY-MM-DD] [--json]`."""

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import LocalAuthority, School
from statutory import inputs


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--on wants a date as YYYY-MM-DD, not {text!r}.") from None


class Command(BaseCommand):
    help = "The compliance findings of a school, or of every school of an LA, on a date."

    def add_arguments(self, parser: CommandParser) -> None:
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--school", metavar="URN")
        where.add_argument("--la", metavar="CODE")
        parser.add_argument("--on", metavar="YYYY-MM-DD", help="default: today")
        parser.add_argument("--json", action="store_true", help="print the findings as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        on = _day(options["on"]) if options["on"] else timezone.localdate()
        if options["school"]:
            school = School.objects.filter(urn=options["school"]).first()
            if school is None:
                raise CommandError(f"No school has URN {options['school']}.")
            report = inputs.school_report(school, on)
        else:
            la = LocalAuthority.objects.filter(code=options["la"]).first()
            if la is None:
                raise CommandError(f"No LA has code {options['la']}.")
            report = inputs.la_report(la, on)
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        for f in report["findings"]:
            where = f"{f['school']} " if "school" in f else ""
            self.stdout.write(
                f"{where}{f['due']} {f['severity']:8} {f['code']} {f['upn'] or '-'}: {f['reason']}"
            )
        self.stdout.write(f"{len(report['findings'])} finding(s) on {report['on']}.")
