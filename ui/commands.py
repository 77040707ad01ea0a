"""What an all-or-nothing import command prints (`sendpath import-ctf`, `import-sen-file`,
`import-attainment`): the result as JSON with --json, else the errors on stderr, else a line
saying what was done and one line for each note (a warning, a new subject)."""

import json
from collections.abc import Iterable
from typing import Any

from django.core.management.base import BaseCommand


def write_import_result(
    command: BaseCommand,
    payload: dict[str, Any],
    *,
    as_json: bool,
    errors: Iterable[str],
    done: str,
    notes: Iterable[str] = (),
) -> None:
    """Print `payload` as JSON, or, when there are `errors`, that nothing was imported and each
    error, or else `done` and each of `notes`, indented."""
    if as_json:
        command.stdout.write(json.dumps(payload, indent=2))
        return
    errors = list(errors)
    if errors:
        command.stderr.write(f"Nothing was imported: {len(errors)} error(s).")
        for error in errors:
            command.stderr.write(f"  {error}")
        return
    command.stdout.write(done)
    for note in notes:
        command.stdout.write(f"  {note}")
