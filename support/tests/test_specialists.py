"""Specialist involvement (issues 15 and 16): its own record, entered with real past dates on the
pupil record or through the API, and read by SPECIALIST_NOT_INVOLVED."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from api.tests.test_api import Caller
from audit.models import AuditEvent
from sendpath.testing import PASSWORD, add_support_records
from statutory import inputs
from statutory.tests.test_inputs import _history
from support import services
from support.models import SpecialistInvolvement, Target

pytestmark = pytest.mark.django_db
START = date(2025, 1, 6)
# Ben's two reviews of little progress are on START + 90 and START + 190 days (_history).
FIRST_REVIEW = START + timedelta(days=90)
ON = START + timedelta(days=400)


def _codes(world) -> set[str]:
    return {f.code for f in inputs.pupil_findings(world.ben, ON)}


def _client(world, persona: str) -> Client:
    client = Client()
    assert client.login(username=world.users[persona].username, password=PASSWORD)
    return client


def test_an_involvement_asked_since_the_first_review_resolves_the_finding(world) -> None:
    _history(world.ben, START)
    assert "SPECIALIST_NOT_INVOLVED" in _codes(world)
    services.specialist_involvement_add(
        pupil=world.ben,
        data={"specialist": "educational_psychologist", "asked_on": FIRST_REVIEW - timedelta(1)},
        by=world.users["senco"],
    )
    assert "SPECIALIST_NOT_INVOLVED" in _codes(world)  # asked before the first review
    services.specialist_involvement_add(
        pupil=world.ben,
        data={"specialist": "camhs", "asked_on": FIRST_REVIEW},
        by=world.users["senco"],
    )
    assert "SPECIALIST_NOT_INVOLVED" not in _codes(world)


def test_bad_dates_and_another_pupils_target_write_nothing(world) -> None:
    add_support_records(world)  # Amy's plan
    amy_target = Target.objects.create(
        plan=world.amy.cycles.get().plan, description="t", target_date=timezone.localdate()
    )
    senco, today = world.users["senco"], timezone.localdate()
    cases = [
        ({"specialist": "outreach", "asked_on": today + timedelta(1)}, [], "asked_on"),
        ({"specialist": "outreach", "asked_on": today, "seen_on": today - timedelta(3)}, [], None),
        ({"specialist": "outreach", "asked_on": today}, [amy_target], "targets"),
        ({"specialist": "astrologer", "asked_on": today}, [], "specialist"),
    ]
    for data, targets, field in cases:
        with pytest.raises(ValidationError) as caught:
            services.specialist_involvement_add(
                pupil=world.ben, data=data, targets=targets, by=senco
            )
        if field:
            assert field in caught.value.message_dict
    assert not SpecialistInvolvement.objects.exists()


def test_the_senco_records_one_on_the_pupil_record_with_the_advice(world) -> None:
    add_support_records(world)
    target = Target.objects.create(
        plan=world.amy.cycles.get().plan,
        description="Reads 20 words",
        target_date=timezone.localdate(),
    )
    client = _client(world, "senco")
    url = f"/staff/pupils/{world.amy.pk}/specialists/new/"
    page = client.get(url)
    assert page.status_code == 200 and "Reads 20 words" in page.content.decode()
    response = client.post(
        url,
        {
            "specialist": "speech_language_therapist",
            "name": "NHS SaLT service",
            "asked_on_0": "3", "asked_on_1": "11", "asked_on_2": "2025",
            "seen_on_0": "10", "seen_on_1": "12", "seen_on_2": "2025",
            "advice_received_on_0": "", "advice_received_on_1": "", "advice_received_on_2": "",
            "advice": SimpleUploadedFile("advice.pdf", b"%PDF-1.4 advice"),
            "recommendations": "Daily attention bucket sessions.",
            "targets": [target.pk],
        },
    )  # fmt: skip
    assert response.status_code == 302
    involvement = SpecialistInvolvement.objects.get()
    assert (involvement.asked_on, involvement.seen_on) == (date(2025, 11, 3), date(2025, 12, 10))
    assert involvement.advice is not None and involvement.advice.original_name == "advice.pdf"
    assert list(involvement.targets.all()) == [target]
    assert AuditEvent.objects.filter(object_type__iexact="support.specialistinvolvement").exists()
    record = client.get(f"/staff/pupils/{world.amy.pk}/").content.decode()
    assert 'data-specialist="speech_language_therapist"' in record and "advice.pdf" in record
    teacher = _client(world, "teacher")
    assert teacher.get(url).status_code == 403
    assert (
        'data-specialist="speech_language_therapist"'
        in teacher.get(f"/staff/pupils/{world.amy.pk}/").content.decode()
    )


def test_a_bad_form_shows_field_errors_and_writes_nothing(world) -> None:
    response = _client(world, "senco").post(
        f"/staff/pupils/{world.ben.pk}/specialists/new/",
        {"specialist": "ot", "asked_on_0": "31", "asked_on_1": "2", "asked_on_2": "2025"},
    )
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert not SpecialistInvolvement.objects.exists()


def test_the_api_lists_and_records_with_real_past_dates(world) -> None:
    _history(world.ben, START)
    path = f"/pupils/{world.ben.pk}/specialist-involvements"
    senco = Caller(world.users["senco"])
    target = Target.objects.filter(plan__cycle__pupil=world.ben).first()
    assert target is not None
    created = senco.post(
        path,
        {
            "specialist": "educational_psychologist",
            "name": "Dr E",
            "asked_on": (FIRST_REVIEW + timedelta(5)).isoformat(),
            "seen_on": (FIRST_REVIEW + timedelta(30)).isoformat(),
            "recommendations": "Precision teaching.",
            "targets": [target.pk],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["asked_on"] == (FIRST_REVIEW + timedelta(5)).isoformat()
    assert body["targets"] == [target.pk] and body["advice_id"] is None
    listed = senco.get(path).json()
    assert [i["id"] for i in listed["items"]] == [body["id"]]
    assert "SPECIALIST_NOT_INVOLVED" not in _codes(world)
    # Bad input: 422, nothing written; not the SENCo: 403; a parent: 404.
    for bad in (
        {"specialist": "educational_psychologist", "asked_on": "2999-01-01"},
        {"specialist": "wizard", "asked_on": "2025-01-01"},
        {"specialist": "other", "asked_on": "2025-01-01", "targets": [999999]},
        {"specialist": "other", "asked_on": "2025-01-01", "seen_on": "2024-01-01"},
    ):
        assert senco.post(path, bad).status_code == 422, bad
    assert SpecialistInvolvement.objects.count() == 1
    ok = {"specialist": "other", "asked_on": "2025-01-01"}
    assert Caller(world.users["teacher"]).post(path, ok).status_code == 403
    amy = f"/pupils/{world.amy.pk}/specialist-involvements"
    assert Caller(world.users["parent"]).get(amy).status_code == 404
    assert Caller(world.users["outsider"]).get(path).status_code == 404
