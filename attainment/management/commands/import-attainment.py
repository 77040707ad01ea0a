"""`sendpath import-attainment FILE --school URN [--columns upn=UPN,subject=Subject,date=Date,
score=Score] [--scale MIN:MAX] [--lower-is-better] [--dry-run] [--json]`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import School
from attainment.services import (
    FIELDS,
    SYNONYMS,
    ImportFailed,
    ImportResult,
    NewScale,
    RowError,
    import_points,
)
from people.tables import TableError, guess_mapping, read_table
from ui.commands import write_import_result


def parse_columns(text: str) -> dict[str, str]:
    """ "upn=UPN,subject=Subject" -> {"upn": "UPN", "subject": "Subject"}."""
    out = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, header = part.partition("=")
        if not sep or name.strip() not in FIELDS:
            raise CommandError(
                f"--columns: “{part}” should be FIELD=HEADER, FIELD one of {', '.join(FIELDS)}."
            )
        out[name.strip()] = header.strip()
    return out


def parse_scale(text: str, lower_is_better: bool) -> NewScale:
    low, sep, high = text.partition(":")
    try:
        scale = NewScale(float(low), float(high), lower_is_better)
    except ValueError:
        raise CommandError(f"--scale: “{text}” should be MIN:MAX, such as 80:120.") from None
    if not sep or scale.maximum <= scale.minimum:
        raise CommandError(f"--scale: “{text}” should be MIN:MAX with MAX above MIN.")
    return scale


class Command(BaseCommand):
    help = "Import assessment points from a CSV or xlsx file into a school, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--school", metavar="URN", required=True)
        parser.add_argument("--columns", default="", help="FIELD=HEADER,... (default: guessed)")
        parser.add_argument("--scale", metavar="MIN:MAX", help="the scale of a new subject")
        parser.add_argument("--lower-is-better", action="store_true")
        parser.add_argument("--dry-run", action="store_true", help="check and count only")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._import(options)
        except CommandError as exc:
            if not options["json"]:
                raise
            # A wrong file, --school, --columns or --scale: still the JSON, its one error
            # said as of the file as a whole (row 0, no column).
            self._report(ImportResult(errors=[RowError(0, "", str(exc))]), as_json=True)
            raise SystemExit(1) from None

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        school = School.objects.filter(urn=options["school"]).first()
        if school is None:
            raise CommandError(f"No school has URN {options['school']}.")
        try:
            table = read_table(path.name, path.read_bytes())
        except TableError as exc:
            raise CommandError(str(exc)) from None
        guessed = guess_mapping(table.headers, SYNONYMS)
        columns = {k: table.headers[i] for k, i in guessed.items() if i is not None}
        columns |= parse_columns(options["columns"])
        scale = None
        if options["scale"]:
            scale = parse_scale(options["scale"], options["lower_is_better"])
        try:
            result = import_points(
                school=school,
                table=table,
                columns=columns,
                today=timezone.localdate(),
                new_scale=scale,
                dry_run=options["dry_run"],
                by=None,
            )
        except ImportFailed as exc:
            self._report(exc.result, as_json=options["json"])
            raise SystemExit(1) from None
        self._report(result, as_json=options["json"])

    def _report(self, result: ImportResult, *, as_json: bool) -> None:
        verb = "Would import" if result.dry_run else "Imported"
        write_import_result(
            self,
            result.as_json(),
            as_json=as_json,
            errors=(f"row {e.row}, column {e.column}: {e.message}" for e in result.errors),
            done=f"{verb} {result.created} new point(s), {result.updated} updated; "
            f"{result.unchanged} unchanged.",
            notes=(f"new subject: {name}" for name in result.subjects_created),
        )
