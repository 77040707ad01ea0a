"""`sendpath import-plan FILE --school URN --upn UPN [--dry-run] [--json]`: a plan from another
setting for a pupil on the school's roll, all or nothing (interop.plan_import)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interop.plan_import import PlanImportFailed, PlanImportResult, plan_import
from pupils.models import Pupil
from ui.commands import write_import_result


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
        verb = (
            "Nothing to do:" if result.already else "Would import" if result.dry_run else "Imported"
        )
        write_import_result(
            self,
            result.as_json(),
            as_json=as_json,
            errors=map(str, result.errors),
            done=f"{verb} {result.summary}.",
            notes=(f"warning: {w}" for w in result.warnings),
        )
