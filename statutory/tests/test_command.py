import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pupils.models import RegisterEntry

pytestmark = pytest.mark.django_db


def _run(*args: str) -> dict:
    out = StringIO()
    call_command("compliance", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_school_and_the_la_reports(world) -> None:
    RegisterEntry.objects.filter(pupil=world.amy).update(start_date=date(2025, 9, 15))
    school = _run("--school", "100001", "--on", "2025-10-20")
    assert (school["school"], school["on"]) == ("100001", "2025-10-20")
    codes = {(f["code"], f["upn"]) for f in school["findings"]}
    assert {("PARENTS_NOT_NOTIFIED", world.amy.upn), ("PLAN_MISSING", world.amy.upn)} <= codes
    la = _run("--la", "820", "--on", "2025-10-20")
    assert la["findings"] == [{"school": "100001", **f} for f in school["findings"]]


def test_bad_input_is_a_clear_message(world) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("compliance", "--school", "100001", "--on", "2025-02-30")
    with pytest.raises(CommandError, match="No school has URN 999999"):
        call_command("compliance", "--school", "999999")
