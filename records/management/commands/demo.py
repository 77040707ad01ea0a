"""`sendpath demo`: migrate, build the demo once (records/demo.py), list its logins, serve it."""

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from records.demo import build_demo, demo_exists


def turn_off_required_two_factor() -> None:
    """SENDPATH_REQUIRE_2FA off for this process (the demo's server runs in it)."""
    os.environ["SENDPATH_REQUIRE_2FA"] = "0"
    settings.SENDPATH_REQUIRE_2FA = False


class Command(BaseCommand):
    help = "Build the demo schools and logins (once) and run the development server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="build and list logins only")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port to serve on")

    def handle(self, *args: Any, **options: Any) -> None:
        # The printed logins are passwords only: the demo needs no second step at sign-in.
        turn_off_required_two_factor()
        call_command("migrate", interactive=False, verbosity=0)
        if demo_exists():
            self.stdout.write("The demo is already built.")
        else:
            self.stdout.write("Building the demo schools (a few seconds)…")
        logins = build_demo(timezone.localdate())
        rows = [("Role", "Username", "Password", "Name", "Where")]
        rows += [(x.role_label, x.username, x.password, x.name, x.where) for x in logins]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for n, row in enumerate(rows):
            line = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
        if not options["no_serve"]:
            call_command("runserver", options["addr"], use_reloader=False)
