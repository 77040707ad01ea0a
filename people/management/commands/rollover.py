"""`sendpath rollover --school URN [--dry-run] [--json]`: move a school into the new school year."""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import School
from people.rollover import rollover_plan, rollover_run


class Command(BaseCommand):
    help = (
        "Move a school into the school year of today (on or after 1 September): NC years up, "
        "leavers leave. Runs once a year; --dry-run shows what it would do."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="The school's URN")
        parser.add_argument("--dry-run", action="store_true", help="Show the plan; change nothing")
        parser.add_argument("--json", action="store_true", help="Print the plan as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        school = School.objects.filter(urn=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with URN {options['school']}.")
        if options["dry_run"]:
            plan = rollover_plan(school)
        else:
            try:
                plan = rollover_run(school=school, by=None)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        if options["json"]:
            self.stdout.write(json.dumps({**plan.as_dict(), "dry_run": options["dry_run"]}))
            return
        verb = "would move" if options["dry_run"] else "moved"
        self.stdout.write(
            f"{school.name} ({school.urn}) {verb} into {plan.label}: {plan.moving} pupils up, "
            f"{len(plan.leavers)} leaving (Year {plan.last_year}), "
            f"{plan.closing_groups} classes of {plan.old_label} closing; {plan.joined} pupils "
            f"added since 1 September stay in their NC year."
        )
        for a, b, n in plan.moves:
            self.stdout.write(f"  {a} -> {b}: {n}")
        if options["dry_run"] and plan.already_done is not None:
            self.stdout.write(f"Already done on {plan.already_done.ran_at:%Y-%m-%d}.")
