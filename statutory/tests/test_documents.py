"""Documents kept with an EHC case: the plan's PDF entered by hand, and what the school sends to
the LA (the annual review report, the evidence pack and the zip of its attached documents), each
with when it went, visible to the LA's caseworker; and the evidence pack's choices."""

import io
import shutil
import subprocess
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from sendpath.testing import add_support_records
from statutory import evidence, services
from statutory.models import AnnualReview, CaseDocument, EHCPlan
from support import services as support_services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("builtin_catalogue")]
POPPLER = bool(shutil.which("pdftotext"))
PDF = b"%PDF-1.4\n% the LA's plan\n"


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def _client(world, name):
    client = Client()
    client.force_login(world.users[name])
    return client


def _text(body: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def test_a_plan_entered_by_hand_keeps_its_pdf_for_the_la_caseworker(world):
    senco = _client(world, "senco")
    issued = timezone.localdate() - timedelta(days=30)
    url = reverse("ehc_plan_new", args=[world.ben.pk])
    form = {**_date("issue_date", issued), "b_needs": "Speech and language", "outcomes": "Talks"}
    bad = senco.post(
        url, {**form, "document": SimpleUploadedFile("plan.png", b"\x89PNG\r\n\x1a\nx")}
    )
    assert bad.status_code == 200 and "must be the PDF" in bad.content.decode()
    assert not EHCPlan.objects.exists() and not CaseDocument.objects.exists()
    done = senco.post(url, {**form, "document": SimpleUploadedFile("Ben plan.pdf", PDF)})
    plan = EHCPlan.objects.get()
    assert done.status_code == 302 and plan.b_needs == "Speech and language"
    document = CaseDocument.objects.get()
    assert (document.kind, document.plan, document.la, document.sent_to_la) == (
        "plan", plan, world.la, False,
    )  # fmt: skip
    la = _client(world, "la_officer")
    page = la.get(reverse("ehc_plan", args=[plan.pk])).content.decode()
    link = reverse("ehc_document", args=[document.pk])
    assert link in page and "Ben plan.pdf" in page
    download = la.get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, actor=world.users["la_officer"], pupil_id=world.ben.pk
    ).exists()
    assert _client(world, "outsider").get(link).status_code == 404
    assert _client(world, "teacher").get(link).status_code == 404
    # A later PDF (an amended version) from the plan page.
    more = senco.post(
        reverse("ehc_plan_document_add", args=[plan.pk]),
        {"file": SimpleUploadedFile("amended.pdf", PDF)},
    )
    assert more.status_code == 302 and plan.documents.count() == 2


def test_the_school_sends_its_annual_review_report_to_the_la(world):
    plan = services.ehc_plan_issue(
        pupil=world.ben, issue_date=timezone.localdate() - timedelta(days=360),
        by=world.users["senco"], outcomes=["Reads for pleasure"],
    )  # fmt: skip
    meeting = timezone.localdate() - timedelta(days=3)
    review = services.annual_review_record(
        plan=plan, by=world.users["senco"], meeting_date=meeting, recommendation="M"
    )
    senco = _client(world, "senco")
    report = senco.get(reverse("ehc_review_report", args=[review.pk]))
    assert report.status_code == 200 and report.content.startswith(b"%PDF")
    if POPPLER:
        text = _text(report.content)
        assert "Progress towards the section E outcomes" in text and "Reads for pleasure" in text
        assert "Maintain the EHC plan" in text
    url = reverse("ehc_review_report_send", args=[review.pk])
    assert url in senco.get(reverse("ehc_review", args=[review.pk])).content.decode()
    assert _client(world, "teacher").post(url).status_code == 404
    assert senco.post(url).status_code == 302
    document = CaseDocument.objects.get()
    assert (document.kind, document.review, document.sent_to_la) == ("review_report", review, True)
    assert document.file.open("rb").read().startswith(b"%PDF")
    assert AnnualReview.objects.get(pk=review.pk).report_sent_date == timezone.localdate()
    page = _client(world, "la_officer").get(reverse("ehc_review", args=[review.pk]))
    body = page.content.decode()
    assert "The school&#x27;s annual review report" in body or "annual review report" in body
    assert reverse("ehc_document", args=[document.pk]) in body and "Sent to the LA" in body


def _pack_history(world):
    add_support_records(world)  # Amy: an open cycle with a plan and one attached document
    cycle = world.amy.cycles.get()
    support_services.attachment_add(
        pupil=world.amy, upload=SimpleUploadedFile("ep-report.pdf", b"%PDF-1.4 ep"),
        description="EP report", cycle=cycle, by=world.users["senco"],
    )  # fmt: skip
    support_services.attachment_add(
        pupil=world.amy, upload=SimpleUploadedFile("family-letter.pdf", b"%PDF-1.4 private"),
        cycle=cycle, by=world.users["senco"],
    )  # fmt: skip


def test_the_pack_says_why_each_part_was_left_out_and_zips_the_chosen_documents(world):
    _pack_history(world)
    report, ep, letter = world.amy.attachments.order_by("uploaded_at", "pk")
    pack = evidence.evidence_pack(
        world.amy, today=timezone.localdate(), include={"register", "cycles", "views"},
        why_left_out="Not relevant.", reasons={"attendance": "Sent by the office."},
        attachment_ids={report.pk, ep.pk},
    )  # fmt: skip
    assert dict(pack.left_out) == {
        "Provision, with delivery and cost": "Not relevant.",
        "Specialist involvement and advice": "Not relevant.",
        "Attendance": "Sent by the office.",
    }
    assert pack.attachments == [report, ep]
    assert [a for a, _why in pack.attachments_left_out] == [letter]
    senco = _client(world, "senco")
    url = reverse("ehc_evidence_pack", args=[world.amy.pk])
    form = {
        "sections": ["register", "cycles", "views", "provision", "specialists"],
        "why_attendance": "Sent by the office.",
        "attachments": [str(report.pk), str(ep.pk)],
    }
    zipped = senco.post(url, {**form, "action": "zip"})
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(zipped.content)).namelist()
    assert names == ["report.pdf", "ep-report.pdf"]
    made = senco.post(url, {**form, "action": "pdf"})
    assert made["Content-Type"] == "application/pdf"
    if POPPLER:
        text = _text(made.content)
        assert "Attendance: Sent by the office." in text
        assert "family-letter.pdf" in text and "Attached documents" in text
    nothing = senco.post(url, {**form, "attachments": [], "action": "zip"})
    assert nothing.status_code == 200 and "nothing to zip" in nothing.content.decode()
    assert not CaseDocument.objects.exists()


def test_the_pack_is_sent_to_the_la_with_the_request_and_kept_there(world):
    _pack_history(world)
    senco = _client(world, "senco")
    url = reverse("ehc_evidence_pack", args=[world.amy.pk])
    form = {"sections": list(evidence.SECTIONS), "action": "send"}
    refused = senco.post(url, form)
    assert refused.status_code == 200 and "Record the request" in refused.content.decode()
    assert not CaseDocument.objects.exists()
    ehc = services.ehc_request_create(
        pupil=world.amy, by=world.users["senco"], source="2",
        received_date=timezone.localdate() - timedelta(days=1),
    )  # fmt: skip
    attachments = [str(a.pk) for a in world.amy.attachments.all()]
    sent = senco.post(url, {**form, "attachments": attachments})
    assert sent.status_code == 302 and sent["Location"] == reverse("ehc_request", args=[ehc.pk])
    kept = list(ehc.documents.order_by("pk"))
    assert [d.content_type for d in kept] == ["application/pdf", "application/zip"]
    assert all(d.sent_to_la and d.kind == "evidence_pack" for d in kept)
    page = _client(world, "la_officer").get(reverse("ehc_request", args=[ehc.pk])).content.decode()
    assert all(reverse("ehc_document", args=[d.pk]) in page for d in kept)
    assert "Sent to the LA" in page
