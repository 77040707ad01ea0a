"""`sendpath import-ctf FILE [--school URN] [--create-school] [--dry-run] [--json]`."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import School
from interop.services import ImportFailed, ImportResult, ctf_import


class Command(BaseCommand):
    help = "Import a Common Transfer File (CTF 17 to 25) into a school's roll, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--school", metavar="URN", help="default: the file's DestSchool URN")
        parser.add_argument(
            "--create-school", action="store_true", help="create the school from the header"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count only")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        school = None
        if options["school"]:
            school = School.objects.filter(urn=options["school"]).first()
            if school is None:
                raise CommandError(f"No school has URN {options['school']}.")
        try:
            result = ctf_import(
                source=str(path),
                school=school,
                dry_run=options["dry_run"],
                by=None,
                create_school=options["create_school"],
            )
        except ImportFailed as exc:
            self._report(exc.result, as_json=options["json"])
            raise SystemExit(1) from None
        self._report(result, as_json=options["json"])

    def _report(self, result: ImportResult, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(result.as_json(), indent=2))
            return
        if result.errors:
            self.stderr.write(f"Nothing was imported: {len(result.errors)} error(s).")
            for error in result.errors:
                self.stderr.write(f"  {error}")
            return
        verb = "Would import" if result.dry_run else "Imported"
        created = " (school created)" if result.school_created else ""
        self.stdout.write(f"{verb} into URN {result.school}{created}: {result.summary}.")
        for warning in result.warnings:
            self.stdout.write(f"  warning: {warning}")
