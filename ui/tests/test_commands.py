"""write_import_result: the three import commands' output."""

import io
import json

from django.core.management.base import BaseCommand

from ui.commands import write_import_result


def _run(**kw: object) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    write_import_result(BaseCommand(stdout=out, stderr=err), {"created": 1}, **kw)  # type: ignore[arg-type]
    return out.getvalue(), err.getvalue()


def test_json_wins_over_everything() -> None:
    out, err = _run(as_json=True, errors=["bad"], done="Imported")
    assert json.loads(out) == {"created": 1} and err == ""


def test_errors_go_to_stderr_and_nothing_is_said_done() -> None:
    out, err = _run(as_json=False, errors=["row 2: bad", "row 3: worse"], done="Imported")
    assert out == ""
    assert err.splitlines() == [
        "Nothing was imported: 2 error(s).",
        "  row 2: bad",
        "  row 3: worse",
    ]


def test_done_then_each_note_indented() -> None:
    out, err = _run(as_json=False, errors=iter(()), done="Imported 3.", notes=["warning: x"])
    assert out.splitlines() == ["Imported 3.", "  warning: x"] and err == ""
