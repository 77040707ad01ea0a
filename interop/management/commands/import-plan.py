"""`sendpath import-plan FILE --school URN --upn UPN [--dry-run] [--json]`: a plan from another
setting for a pupil on the school's roll, all or nothing (interop.plan_import)."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interop.plan_import import PlanImportFailed, PlanImportResult, plan_import
from pupils.models import Pupil


class Command(BaseCommand):
    help = "Import a pupil's plan (kind plan, docs/sen-file.md) from another setting."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--school", metavar="URN", required=True, help="the pupil's school")
        parser.add_argument("--upn", required=True, help="the pupil on that school's roll")
        parser.add_argument("--dry-run", action="store_true", help="check and count only")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        pupil = Pupil.objects.filter(
            school__urn=options["school"], upn=options["upn"], leaving_date__isnull=True
        ).first()
        if pupil is None:
            raise CommandError(
                f"No pupil with UPN {options['upn']} is on the roll of URN {options['school']}."
            )
        try:
            result = plan_import(
                source=path.read_bytes(), pupil=pupil, dry_run=options["dry_run"], by=None
            )
        except PlanImportFailed as exc:
            self._report(exc.result, as_json=options["json"])
            raise SystemExit(1) from None
        self._report(result, as_json=options["json"])

    def _report(self, result: PlanImportResult, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(result.as_json(), indent=2))
            return
        if result.errors:
            self.stderr.write(f"Nothing was imported: {len(result.errors)} error(s).")
            for error in result.errors:
                self.stderr.write(f"  {error}")
            return
        verb = (
            "Nothing to do:" if result.already else "Would import" if result.dry_run else "Imported"
        )
        self.stdout.write(f"{verb} {result.summary}.")
        for warning in result.warnings:
            self.stdout.write(f"  warning: {warning}")
