"""bulk.rows writes what bulk_create would write, through the real database."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, models
from django.utils import timezone

from accounts.models import School
from bulk.rows import insert_returning, insert_rows, preparer
from pupils.models import Pupil, RegisterEntry
from sendpath.testing import World

DAY = date(2025, 9, 3)


def _pupil(school: School, n: int) -> Pupil:
    return Pupil(
        school=school,
        upn=f"A8201000{n:05d}",
        legal_forename=f"Pupil{n}",
        legal_surname="Bulk",
        date_of_birth=DAY - timedelta(days=3650 + n % 3),
        sex="F",
        nc_year="5",
        attendance_percent=Decimal("93.5"),
        admission_date=None,
    )


@pytest.mark.django_db
def test_insert_returning_sets_ids_in_order_and_the_rows_read_back_as_bulk_create_writes() -> None:
    world = World.build()
    mine = [_pupil(world.oak, n) for n in range(7)]
    theirs = [_pupil(world.elm, n + 99) for n in range(7)]
    insert_returning(Pupil, mine)
    Pupil.objects.bulk_create(theirs)
    assert [p._state.adding for p in mine] == [False] * 7
    for written, reference in zip(mine, theirs, strict=True):
        got = Pupil.objects.get(pk=written.pk)
        assert got.upn == written.upn  # the id was set on the instance it belongs to
        want = Pupil.objects.get(pk=reference.pk)
        for f in ("date_of_birth", "attendance_percent", "admission_date", "sex", "eal"):
            assert getattr(got, f) == getattr(want, f), f


@pytest.mark.django_db
def test_insert_rows_takes_model_instances_as_keys_and_converts_dates() -> None:
    world = World.build()
    pupil = world.amy
    now = timezone.now()
    end = DAY + timedelta(days=30)
    rows = [(pupil, "K", DAY + timedelta(days=n % 2), end, None, "bulk", "", "", "", now)
            for n in range(5)]  # fmt: skip
    columns = ("pupil_id", "provision", "start_date", "end_date", "parents_informed_on", "reason", "decided_by_name",
               "parents_informed_how", "parents_informed_note", "created_at")  # fmt: skip
    assert insert_rows(RegisterEntry, columns, rows) == 5
    written = RegisterEntry.objects.filter(reason="bulk").order_by("pk")
    assert [e.start_date for e in written] == [DAY, DAY + timedelta(days=1)] * 2 + [DAY]
    got = {(e.pupil_id, e.end_date, e.parents_informed_on, e.created_at) for e in written}
    assert got == {(pupil.pk, end, None, now)}


def test_the_prepared_values_are_the_fields_own_and_plain_ones_pass_through() -> None:
    decimal = models.DecimalField(max_digits=5, decimal_places=1)
    fields: list[models.Field[Any, Any]] = [models.CharField(), decimal, models.JSONField()]
    prepare = preparer(fields)
    first = prepare(["x", Decimal("93.5"), {"a": 1}])
    assert first[0] == "x"
    assert first[1] == decimal.get_db_prep_save(Decimal("93.5"), connection)
    assert first[2] != {"a": 1}  # an unhashable value is still converted, not cached
    assert prepare(["y", None, None]) == ["y", None, None]
