"""An LA officer narrowed to a caseload reaches only the EHC cases whose caseworker they are
(requests, plans, their reviews and documents); every read is audited; the LA puts a case in a
caseload from the request or plan page; `sendpath ehc-caseload` narrows and widens."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import access
from accounts.models import Membership, Role, User
from audit.models import AuditAction, AuditEvent
from statutory import documents, services
from statutory.models import EHCPlan, EHCRequest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("builtin_catalogue")]


def _cases(world):
    senco, today = world.users["senco"], timezone.localdate()
    ehc = services.ehc_request_create(
        pupil=world.amy, by=senco, source="1", received_date=today - timedelta(weeks=2)
    )
    plan = services.ehc_plan_issue(pupil=world.dan, issue_date=today - timedelta(days=30), by=senco)
    review = services.annual_review_record(plan=plan, by=senco, meeting_date=today)
    document = documents.plan_document_add(
        plan=plan, upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 x"), by=senco
    )
    officer = User.objects.create_user("caseworker", "cw@example.org", "x", first_name="Casey")
    Membership.objects.create(user=officer, role=Role.LA_OFFICER, la=world.la)
    return ehc, plan, review, document, officer


def _narrow(world, officer):
    out = StringIO()
    call_command("ehc-caseload", "--la", world.la.code, "--officer", officer.username,
                 "--narrow", stdout=out)  # fmt: skip
    return out.getvalue()


def test_a_narrowed_officer_reaches_only_their_caseload(world):
    ehc, plan, review, document, officer = _cases(world)
    assert "now sees their own caseload" in _narrow(world, officer)
    assert "already saw" in _narrow(world, officer)
    assert not access.visible_ehc_requests(officer).exists()
    assert not access.visible_ehc_plans(officer).exists()
    client = Client()
    client.force_login(officer)
    assert client.get(reverse("ehc_request", args=[ehc.pk])).status_code == 404
    assert client.get(reverse("ehc_plan", args=[plan.pk])).status_code == 404
    assert client.get(reverse("ehc_review", args=[review.pk])).status_code == 404
    assert client.get(reverse("ehc_document", args=[document.pk])).status_code == 404
    page = client.get(reverse("ehc_casework")).content.decode()
    assert "Amy" not in page and "Dan" not in page
    # The LA's other officer (not narrowed) puts Dan's plan in the caseworker's caseload.
    la = Client()
    la.force_login(world.users["la_officer"])
    url = reverse("ehc_plan_caseworker", args=[plan.pk])
    assert url in la.get(reverse("ehc_plan", args=[plan.pk])).content.decode()
    refused = la.post(url, {"caseworker": str(world.users["senco"].pk)})
    assert refused.status_code == 200 and EHCPlan.objects.get(pk=plan.pk).caseworker is None
    assert la.post(url, {"caseworker": str(officer.pk)}).status_code == 302
    assert EHCPlan.objects.get(pk=plan.pk).caseworker == officer
    assert client.get(reverse("ehc_plan", args=[plan.pk])).status_code == 200
    assert client.get(reverse("ehc_review", args=[review.pk])).status_code == 200
    assert client.get(reverse("ehc_document", args=[document.pk])).status_code == 200
    assert client.get(reverse("ehc_request", args=[ehc.pk])).status_code == 404
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    page = client.get(reverse("ehc_casework")).content.decode()
    assert "Dan" in page and "Amy" not in page
    reads = AuditEvent.objects.filter(pk__gt=since, action=AuditAction.READ, actor=officer)
    assert [e.data["pupil_ids"] for e in reads] == [[world.dan.pk]]
    # Widened again, they reach every case of the LA.
    call_command("ehc-caseload", "--la", world.la.code, "--officer", officer.username,
                 "--widen", stdout=StringIO())  # fmt: skip
    assert client.get(reverse("ehc_request", args=[ehc.pk])).status_code == 200


def test_a_request_and_its_plan_move_together(world):
    ehc, _plan, _review, _document, officer = _cases(world)
    services.ehc_request_update(
        ehc_request=ehc, by=world.users["la_officer"], decision="Y",
        decision_date=timezone.localdate() - timedelta(days=3),
    )  # fmt: skip
    plan = services.ehc_plan_issue(
        pupil=world.amy, ehc_request=ehc, issue_date=timezone.localdate(),
        by=world.users["la_officer"],
    )  # fmt: skip
    la = Client()
    la.force_login(world.users["la_officer"])
    assert (
        la.post(
            reverse("ehc_request_caseworker", args=[ehc.pk]), {"caseworker": str(officer.pk)}
        ).status_code
        == 302
    )
    assert EHCRequest.objects.get(pk=ehc.pk).caseworker == officer
    assert EHCPlan.objects.get(pk=plan.pk).caseworker == officer
    # The SENCo records, but the caseload is the LA's to set.
    senco = Client()
    senco.force_login(world.users["senco"])
    assert senco.get(reverse("ehc_request_caseworker", args=[ehc.pk])).status_code == 403


def test_the_command_says_what_is_wrong(world):
    with pytest.raises(CommandError, match="No local authority has code 999"):
        call_command("ehc-caseload", "--la", "999", "--officer", "la_officer", "--narrow")
    with pytest.raises(CommandError, match="not an officer"):
        call_command("ehc-caseload", "--la", world.la.code, "--officer", "senco", "--narrow")
