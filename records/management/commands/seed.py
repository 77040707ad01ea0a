"""`sendpath seed`: synthetic schools for load tests and screenshots (pupils/seeding.py)."""

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pupils.seeding import local_authority
from records.seeding import seed_schools


class Command(BaseCommand):
    help = "Make synthetic schools with staff, pupils, families and SEN histories."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schools", type=int, default=1)
        parser.add_argument("--pupils-per-school", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1, help="same seed, same data")
        parser.add_argument("--la-code", default="820", help="3-digit LA code (made if missing)")
        parser.add_argument("--years-of-history", type=int, default=3)
        parser.add_argument("--today", type=date.fromisoformat, help="YYYY-MM-DD; default today")
        parser.add_argument(
            "--staff-password", help="let generated staff sign in with this (default: they cannot)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            la = local_authority(options["la_code"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        result = seed_schools(
            schools=options["schools"],
            pupils_per_school=options["pupils_per_school"],
            seed=options["seed"],
            today=options["today"] or timezone.localdate(),
            la=la,
            years_of_history=options["years_of_history"],
            staff_password=options["staff_password"],
        )
        for name, count in result.counts().items():
            self.stdout.write(f"{name.replace('_', ' '):<18} {count:>8,}")
        self.stdout.write(
            self.style.SUCCESS(f"Seeded in {time.perf_counter() - started:.1f} s into LA {la}.")
        )
