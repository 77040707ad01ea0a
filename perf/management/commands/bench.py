"""`sendpath bench`: seed a database of its own and time the key pages (perf/bench.py)."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from perf.bench import (
    LA_IMPORT_PUPILS,
    REPEATS,
    WARMUPS,
    format_table,
    fresh_database,
    run_bench,
    stderr_progress,
)
from perf.scales import SCALES


class Command(BaseCommand):
    help = (
        "Build a throwaway database (SQLite in a temporary folder, or <name>_bench on the "
        "configured PostgreSQL), seed it, and time the key pages; print a table, write JSON."
    )
    # The system checks would open the configured database (on SQLite, creating the file in the
    # data folder); the bench must not touch it.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=list(SCALES), default="tiny")
        parser.add_argument("--json", type=Path, metavar="FILE", help="write the results here")
        parser.add_argument("--repeats", type=int, default=REPEATS, help="timed requests a page")
        parser.add_argument("--warmups", type=int, default=WARMUPS, help="untimed requests first")
        parser.add_argument(
            "--la-import-pupils",
            type=int,
            default=LA_IMPORT_PUPILS,
            metavar="N",
            help="pupils in the LA-scale CTF import row (import_ctf_la)",
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help="keep the bench database afterwards (for a load run or a backup test)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with fresh_database(keep=options["keep"]) as name:
            report = run_bench(
                options["scale"],
                repeats=options["repeats"],
                warmups=options["warmups"],
                progress=stderr_progress,
                la_import_pupils=options["la_import_pupils"],
            )
        if options["keep"]:
            report["kept_database"] = name
            stderr_progress(f"Kept the bench database: {name}")
        self.stdout.write(format_table(report))
        if options["json"]:
            options["json"].write_text(json.dumps(report, indent=2) + "\n")
