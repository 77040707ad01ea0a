"""`sendpath import-ctf FILE [--school URN] [--create-school] [--dry-run] [--json]`."""

from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import School
from interop.ctf import Problem
from interop.services import ImportFailed, ImportResult, ctf_import
from ui.commands import write_import_result


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
            self._refuse(f"No such file: {path}", options)
        school = None
        if options["school"]:
            school = School.objects.filter(urn=options["school"]).first()
            if school is None:
                self._refuse(f"No school has URN {options['school']}.", options)
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

    def _refuse(self, message: str, options: dict[str, Any]) -> NoReturn:
        """A wrong file or --school: with --json still the issue's JSON, its one error said."""
        if not options["json"]:
            raise CommandError(message)
        result = ImportResult(school=options["school"] or "", errors=[Problem(message)])
        self._report(result, as_json=True)
        raise SystemExit(1)

    def _report(self, result: ImportResult, *, as_json: bool) -> None:
        verb = "Would import" if result.dry_run else "Imported"
        created = " (school created)" if result.school_created else ""
        write_import_result(
            self,
            result.as_json(),
            as_json=as_json,
            errors=map(str, result.errors),
            done=f"{verb} into URN {result.school}{created}: {result.summary}.",
            notes=(f"warning: {w}" for w in result.warnings),
        )
