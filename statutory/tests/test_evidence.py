import shutil
import subprocess

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from sendpath.testing import add_support_records
from statutory import evidence
from support import services as support_services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("builtin_catalogue")]
POPPLER = bool(shutil.which("pdftotext"))


def _history(world):
    add_support_records(world)
    cycle = world.amy.cycles.get()
    support_services.assessment_view_add(
        cycle=cycle,
        data={"source": "ep", "given_by": "Dr Ed Psych", "given_on": timezone.localdate(),
              "views": "Working memory is a barrier."},
        by=world.users["senco"],
    )  # fmt: skip
    support_services.assessment_view_add(
        cycle=cycle,
        data={"source": "parent", "given_by": "Pat Adams", "given_on": timezone.localdate(),
              "views": "Reading at home is a struggle."},
        by=world.users["senco"],
    )  # fmt: skip


def test_the_pack_gathers_what_is_recorded_and_says_what_was_left_out(world):
    _history(world)
    pack = evidence.evidence_pack(
        world.amy, today=timezone.localdate(), include={"register", "cycles", "specialists", "views"},
        why_left_out="Sent separately by the finance office.",
    )  # fmt: skip
    assert [label for label, _ in pack.left_out] == [
        "Provision, with delivery and cost",
        "Attendance",
    ]
    assert all(why == "Sent separately by the finance office." for _, why in pack.left_out)
    assert [e.provision for e in pack.data["entries"]] == ["K"]
    assert [v.given_by for v in pack.data["specialists"]] == ["Dr Ed Psych"]
    assert [v.given_by for v in pack.data["family_views"]] == ["Pat Adams"]
    assert len(pack.data["cycles"]) == 1 and "provisions" not in pack.data


def test_the_senco_makes_the_pdf_from_the_pupil_record_and_it_is_audited(world):
    _history(world)
    client = Client()
    client.force_login(world.users["senco"])
    url = reverse("ehc_evidence_pack", args=[world.amy.pk])
    assert url in client.get(reverse("pupil_detail", args=[world.amy.pk])).content.decode()
    assert client.get(url).status_code == 200
    response = client.post(url, {"sections": list(evidence.SECTIONS), "why_left_out": ""})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, pupil_id=world.amy.pk).exists()
    if POPPLER:
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
        ).stdout.decode()
        assert "Contents" in text and "Dr Ed Psych" in text and "Reading at home" in text
        assert "costed provision map" in text


def test_only_the_senco_makes_the_pack(world):
    client = Client()
    client.force_login(world.users["teacher"])
    assert client.get(reverse("ehc_evidence_pack", args=[world.amy.pk])).status_code == 403
    client.force_login(world.users["outsider"])
    assert client.get(reverse("ehc_evidence_pack", args=[world.amy.pk])).status_code == 404


def test_nothing_chosen_is_a_field_error(world):
    client = Client()
    client.force_login(world.users["senco"])
    response = client.post(reverse("ehc_evidence_pack", args=[world.amy.pk]), {"sections": []})
    assert response.status_code == 200
    assert "Choose at least one section" in response.content.decode()
