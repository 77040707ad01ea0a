"""Flags from the database: the selector, `sendpath flags` and dismissals."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attainment import selectors, services
from attainment.models import AssessmentPoint, IdentificationSettings

from .conftest import LAST_YEAR, ON, grow_cohort


@pytest.mark.django_db
def test_the_stalling_pupil_is_flagged_with_the_reasons(cohort) -> None:
    flags = selectors.school_flags(cohort.world.oak, ON)
    assert [(f.upn, f.subject) for f in flags] == [(cohort.world.ben.upn, "Maths")]
    flag = flags[0]
    assert 1 in flag.criteria
    assert flag.explanation.startswith(
        f"Maths: +1.5 points since September {LAST_YEAR}; pupils who started in the same (lower) "
        "band made +6"
    )


@pytest.mark.django_db
def test_the_flags_command_prints_the_contract(cohort) -> None:
    out = StringIO()
    call_command("flags", "--school", cohort.world.oak.urn, "--on", ON.isoformat(), "--json",
                 stdout=out)  # fmt: skip
    report = json.loads(out.getvalue())
    assert report["school"] == cohort.world.oak.urn and report["on"] == ON.isoformat()
    assert [set(f) for f in report["flags"]] == [{"upn", "subject", "criteria", "explanation"}]
    assert report["flags"][0]["upn"] == cohort.world.ben.upn
    assert all(c in (1, 2, 3, 4) for c in report["flags"][0]["criteria"])


@pytest.mark.django_db
def test_the_flags_command_refuses_an_unknown_school_and_a_bad_date(world) -> None:
    with pytest.raises(CommandError, match="No school has URN 999999"):
        call_command("flags", "--school", "999999", "--json")
    with pytest.raises(CommandError, match="is not a date"):
        call_command("flags", "--school", world.oak.urn, "--on", "1 July")


@pytest.mark.django_db
def test_the_school_settings_change_what_is_flagged(cohort) -> None:
    assert selectors.school_flags(cohort.world.oak, ON)
    IdentificationSettings.objects.create(
        school=cohort.world.oak, slower_margin_pct=50, gap_pct=90, gap_change_pct=90,
        rate_drop_pct=90,
    )  # fmt: skip
    assert selectors.school_flags(cohort.world.oak, ON) == []


@pytest.mark.django_db
def test_a_dismissed_flag_stays_away_until_a_newer_point(cohort) -> None:
    w = cohort.world
    flag = selectors.school_flags(w.oak, ON)[0]
    services.flag_dismiss(
        pupil=w.ben, subject=cohort.maths, criteria=flag.criteria,
        latest_point_on=flag.result.latest or ON, reason="Ill for most of the spring", today=ON,
        by=w.users["senco"],
    )  # fmt: skip
    assert selectors.school_flags(w.oak, ON) == []
    assert selectors.school_flags(w.oak, ON, with_dismissed=True)
    AssessmentPoint.objects.create(pupil=w.ben, subject=cohort.maths,
                                   assessed_on=ON.replace(month=7, day=10), score=96.5)  # fmt: skip
    later = ON.replace(month=7, day=20)
    assert [f.upn for f in selectors.school_flags(w.oak, later)] == [w.ben.upn]


@pytest.mark.django_db
def test_a_dismissal_needs_a_reason(cohort) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.flag_dismiss(pupil=cohort.world.ben, subject=cohort.maths, criteria=[1],
                              latest_point_on=ON, reason="  ", today=ON,
                              by=cohort.world.users["senco"])  # fmt: skip


@pytest.mark.django_db
def test_the_flags_take_the_same_number_of_queries_whatever_the_size(world) -> None:
    grow_cohort(world)
    with CaptureQueriesContext(connection) as small:
        selectors.school_flags(world.oak, ON)
    AssessmentPoint.objects.bulk_create(
        AssessmentPoint(pupil=p.pupil, subject=p.subject, assessed_on=p.assessed_on.replace(day=25),
                        score=p.score)
        for p in AssessmentPoint.objects.all()
    )  # fmt: skip
    with CaptureQueriesContext(connection) as big:
        selectors.school_flags(world.oak, ON)
    assert len(small) == len(big) <= 5


@pytest.mark.django_db
def test_the_api_answers_as_the_command_does(cohort) -> None:
    from django.test import Client

    w = cohort.world
    client = Client()
    client.force_login(w.users["senco"])
    path = f"/api/v1/schools/{w.oak.pk}/flags?on={ON.isoformat()}"
    body = client.get(path).json()
    out = StringIO()
    call_command("flags", "--school", w.oak.urn, "--on", ON.isoformat(), "--json", stdout=out)
    assert body == json.loads(out.getvalue())
    assert [f["upn"] for f in body["flags"]] == [w.ben.upn]
    # The teacher teaches Ben (5A); the TA may not; an outsider finds no such school.
    client.force_login(w.users["teacher"])
    assert [f["upn"] for f in client.get(path).json()["flags"]] == [w.ben.upn]
    client.force_login(w.users["ta"])
    assert client.get(path).status_code == 403
    client.force_login(w.users["outsider"])
    assert client.get(path).status_code == 404
    client.force_login(w.users["senco"])
    assert client.get(f"/api/v1/schools/{w.oak.pk}/flags?on=July").status_code == 422
