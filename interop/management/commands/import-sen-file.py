"""`sendpath import-sen-file FILE --school URN [--dry-run] [--json]`: a transfer pack, all or nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import School
from interop.senfile_import import SenFileFailed, SenFileResult, sen_file_import
from ui.commands import write_import_result


class Command(BaseCommand):
    help = "Import a pupil's SEN file (transfer pack, docs/sen-file.md) from their previous school."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--school", metavar="URN", required=True, help="the receiving school")
        parser.add_argument("--dry-run", action="store_true", help="check and count only")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        school = School.objects.filter(urn=options["school"]).first()
        if school is None:
            raise CommandError(f"No school has URN {options['school']}.")
        try:
            result = sen_file_import(
                source=path.read_bytes(), school=school, dry_run=options["dry_run"], by=None
            )
        except SenFileFailed as exc:
            self._report(exc.result, as_json=options["json"])
            raise SystemExit(1) from None
        self._report(result, as_json=options["json"])

    def _report(self, result: SenFileResult, *, as_json: bool) -> None:
        verb = "Would import" if result.dry_run else "Imported"
        write_import_result(
            self,
            result.as_json(),
            as_json=as_json,
            errors=map(str, result.errors),
            done=f"{verb} into URN {result.school}: {result.summary}.",
            notes=(f"warning: {w}" for w in result.warnings),
        )
