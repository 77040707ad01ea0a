from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from statutory import services
from statutory.models import EHCRequest, RegException

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("builtin_catalogue")]


def _client(world, name):
    client = Client()
    client.force_login(world.users[name])
    return client


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_the_senco_requests_an_assessment_from_the_pupil_record(world):
    client = _client(world, "senco")
    record = client.get(reverse("pupil_detail", args=[world.amy.pk])).content.decode()
    url = reverse("ehc_request_new", args=[world.amy.pk])
    assert url in record
    received = timezone.localdate() - timedelta(days=2)
    response = client.post(url, {"source": "2", **_date("received_date", received)})
    ehc = EHCRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "ehc_request", args=[ehc.pk]
    )
    assert (ehc.source, ehc.received_date, ehc.la) == ("2", received, world.la)
    page = client.get(response["Location"]).content.decode()
    assert "Decision whether to assess" in page and "Running" in page
    record = client.get(reverse("pupil_detail", args=[world.amy.pk])).content.decode()
    assert reverse("ehc_request", args=[ehc.pk]) in record


def test_a_request_in_the_future_is_a_field_error_and_nothing_is_written(world):
    client = _client(world, "senco")
    later = timezone.localdate() + timedelta(days=5)
    response = client.post(
        reverse("ehc_request_new", args=[world.amy.pk]),
        {"source": "2", **_date("received_date", later)},
    )
    assert response.status_code == 200 and "cannot be in the future" in response.content.decode()
    assert not EHCRequest.objects.exists()


def test_a_teacher_cannot_request_or_read(world):
    ehc = services.ehc_request_create(
        pupil=world.amy, by=world.users["senco"], source="1",
        received_date=timezone.localdate() - timedelta(weeks=1),
    )  # fmt: skip
    client = _client(world, "teacher")
    assert client.get(reverse("ehc_request_new", args=[world.amy.pk])).status_code == 403
    assert client.get(reverse("ehc_request", args=[ehc.pk])).status_code == 404
    assert client.get(reverse("ehc_casework")).status_code == 403
    record = client.get(reverse("pupil_detail", args=[world.amy.pk])).content.decode()
    assert "EHC needs assessment and plan" not in record


def test_the_la_officer_sees_the_casework_of_their_las_schools_and_it_is_audited(world):
    senco = world.users["senco"]
    ehc = services.ehc_request_create(
        pupil=world.amy,
        by=senco,
        source="1",
        received_date=timezone.localdate() - timedelta(weeks=8),
    )
    plan = services.ehc_plan_issue(pupil=world.ben, issue_date=timezone.localdate(), by=senco)
    other = services.ehc_request_create(
        pupil=world.cara, by=world.users["outsider"], source="2",
        received_date=timezone.localdate() - timedelta(weeks=1),
    )  # fmt: skip
    client = _client(world, "la_officer")
    assert reverse("ehc_casework") in client.get(reverse("overview_home")).content.decode()
    page = client.get(reverse("ehc_casework")).content.decode()
    for row in (ehc, other):
        assert reverse("ehc_request", args=[row.pk]) in page
    assert reverse("ehc_plan", args=[plan.pk]) in page
    assert "Overdue" in page  # Amy's 6-week decision is past
    read = AuditEvent.objects.filter(action=AuditAction.READ, actor=world.users["la_officer"])
    assert {p for e in read for p in e.data["pupil_ids"]} == {
        world.amy.pk,
        world.ben.pk,
        world.cara.pk,
    }
    # The senco of Oak sees Oak's only.
    oak = _client(world, "senco").get(reverse("ehc_casework")).content.decode()
    assert reverse("ehc_request", args=[other.pk]) not in oak


def test_the_la_officer_records_a_decision_and_an_exception(world):
    ehc = services.ehc_request_create(
        pupil=world.amy, by=world.users["senco"], source="1",
        received_date=timezone.localdate() - timedelta(weeks=8),
    )  # fmt: skip
    client = _client(world, "la_officer")
    decided = ehc.received_date + timedelta(weeks=5)
    response = client.post(
        reverse("ehc_request_decision", args=[ehc.pk]),
        {"decision": "Y", **_date("decision_date", decided), "assessment_outcome": "A"},
    )
    assert response.status_code == 302
    ehc.refresh_from_db()
    assert (ehc.decision, ehc.decision_date) == ("Y", decided)
    start = ehc.received_date + timedelta(weeks=1)
    bad = client.post(
        reverse("ehc_exception_add", args=[ehc.pk]),
        {
            "kind": "absence_from_area",
            **_date("start_date", start),
            **_date("end_date", start + timedelta(days=3)),
        },
    )
    assert bad.status_code == 200 and "4 weeks or more" in bad.content.decode()
    assert not RegException.objects.exists()


def test_the_plan_page_shows_sections_and_the_senco_records_a_review(world):
    from statutory.models import AnnualReview

    senco = world.users["senco"]
    issued = timezone.localdate() - timedelta(days=370)
    plan = services.ehc_plan_issue(pupil=world.ben, issue_date=issued, by=senco, b_needs="Speech")
    client = _client(world, "senco")
    page = client.get(reverse("ehc_plan", args=[plan.pk])).content.decode()
    assert "F: special educational provision" in page and "Speech" in page and "Overdue" in page
    meeting = timezone.localdate() - timedelta(days=3)
    bad = client.post(
        reverse("ehc_review_add", args=[plan.pk]),
        {**_date("meeting_date", meeting), **_date("report_sent_date", meeting - timedelta(1))},
    )
    assert bad.status_code == 200 and "cannot be before the meeting" in bad.content.decode()
    assert not plan.reviews.exists()
    response = client.post(
        reverse("ehc_review_add", args=[plan.pk]), {**_date("meeting_date", meeting)}
    )
    review = plan.reviews.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "ehc_review", args=[review.pk]
    )
    # The school may not record the LA's decision; the LA officer does.
    decision = {"outcome": "C", **_date("decision_date", meeting)}
    assert (
        client.post(reverse("ehc_review_decision", args=[review.pk]), decision).status_code == 403
    )
    la = _client(world, "la_officer")
    refused = la.post(reverse("ehc_review_decision", args=[review.pk]), decision)
    assert refused.status_code == 200 and "Choose why the plan ceases" in refused.content.decode()
    assert AnnualReview.objects.get(pk=review.pk).outcome == ""
    done = la.post(
        reverse("ehc_review_decision", args=[review.pk]),
        {"outcome": "M", **_date("decision_date", meeting)},
    )
    assert done.status_code == 302
    assert AnnualReview.objects.get(pk=review.pk).outcome == "M"


def test_invitations_with_short_notice_and_late_advice_show_on_the_review(world):
    senco = world.users["senco"]
    plan = services.ehc_plan_issue(
        pupil=world.ben, issue_date=timezone.localdate() - timedelta(days=300), by=senco
    )
    meeting = timezone.localdate() - timedelta(days=5)
    review = services.annual_review_record(plan=plan, meeting_date=meeting, by=senco)
    client = _client(world, "senco")
    response = client.post(
        reverse("ehc_invitation_add", args=[review.pk]),
        {"invitee": "educational_psychologist", "name": "EP service",
         **_date("invited_date", meeting - timedelta(days=20)), "advice_requested": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    invitation = review.invitations.get()
    client.post(
        reverse("ehc_invitation_add", args=[review.pk]),
        {"invitee": "parent", **_date("invited_date", meeting - timedelta(days=7))},
    )
    page = client.get(reverse("ehc_review", args=[review.pk])).content.decode()
    assert "Less than 2 weeks&#x27; notice" in page or "Less than 2 weeks' notice" in page
    assert page.count("Less than 2 weeks") == 1  # the parent's, not the EP's
    assert "Not received yet" in page
    edited = client.post(
        reverse("ehc_invitation_edit", args=[review.pk, invitation.pk]),
        {"invitee": "educational_psychologist", "name": "EP service",
         **_date("invited_date", meeting - timedelta(days=20)), "advice_requested": "on",
         **_date("advice_received_date", meeting - timedelta(days=2))},
    )  # fmt: skip
    assert edited.status_code == 302
    page = client.get(reverse("ehc_review", args=[review.pk])).content.decode()
    assert "Too late to circulate" in page


def test_a_decision_to_amend_keeps_the_old_version_and_shows_what_changed(world):
    senco = world.users["senco"]
    issued = timezone.localdate() - timedelta(days=400)
    plan = services.ehc_plan_issue(
        pupil=world.ben, issue_date=issued, by=senco, b_needs="Speech", outcomes=["Talks"]
    )
    meeting = timezone.localdate() - timedelta(days=30)
    review = services.annual_review_record(plan=plan, meeting_date=meeting, by=senco)
    la = _client(world, "la_officer")
    la.post(
        reverse("ehc_review_decision", args=[review.pk]),
        {"outcome": "A", **_date("decision_date", meeting + timedelta(days=14)),
         **_date("draft_date", meeting + timedelta(days=14))},
    )  # fmt: skip
    plan.refresh_from_db()
    assert plan.amendment == 1 and plan.versions.get().sections["b_needs"] == "Speech"
    client = _client(world, "senco")
    form = client.get(reverse("ehc_plan_sections", args=[plan.pk])).content.decode()
    assert (
        "issue_date" not in form and "Speech" in form
    )  # the amended version's issue is its review's
    saved = client.post(
        reverse("ehc_plan_sections", args=[plan.pk]),
        {"b_needs": "Speech and language", "outcomes": "Talks\nReads"},
    )
    assert saved.status_code == 302
    page = client.get(reverse("ehc_plan", args=[plan.pk])).content.decode()
    assert "Version 0: final" in page and "This is version 1" in page
    version = page[page.index('id="version-0"') :]
    assert "B: special educational needs" in version and "E: outcomes" in version
    assert "C: health care needs" not in version  # unchanged sections are not listed


def test_the_la_officer_enters_the_final_plan_and_the_pupil_becomes_e(world):
    from pupils import services as pupil_services

    ehc = services.ehc_request_create(
        pupil=world.amy, by=world.users["senco"], source="2",
        received_date=timezone.localdate() - timedelta(weeks=21),
    )  # fmt: skip
    services.ehc_request_update(
        ehc_request=ehc, by=world.users["senco"], decision="Y",
        decision_date=ehc.received_date + timedelta(weeks=6),
    )  # fmt: skip
    client = _client(world, "la_officer")
    assert (
        reverse("ehc_plan_new_for_request", args=[ehc.pk])
        in client.get(reverse("ehc_request", args=[ehc.pk])).content.decode()
    )
    issued = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("ehc_plan_new_for_request", args=[ehc.pk]),
        {**_date("issue_date", issued), "b_needs": "Dyslexia", "outcomes": "Reads aloud\n\nWrites a page",
         "provision_items": "Daily phonics", "i_urn": "100001"},
    )  # fmt: skip
    assert response.status_code == 302
    ehc.refresh_from_db()
    plan = ehc.plan
    assert [o.description for o in plan.outcomes.all()] == ["Reads aloud", "Writes a page"]
    assert [f.description for f in plan.provision_items.all()] == ["Daily phonics"]
    assert pupil_services.current_provision(world.amy) == "E"
    assert ehc.final_plan_date == issued and ehc.assessment_outcome == "Y"
    page = client.get(reverse("ehc_request", args=[ehc.pk])).content.decode()
    assert "Late" in page  # issued after the 20 weeks


def test_a_plan_with_a_bad_urn_is_a_field_error_and_nothing_is_written(world):
    from statutory.models import EHCPlan

    client = _client(world, "senco")
    response = client.post(
        reverse("ehc_plan_new", args=[world.ben.pk]),
        {**_date("issue_date", timezone.localdate()), "i_urn": "12"},
    )
    assert response.status_code == 200 and "A URN is 6 digits." in response.content.decode()
    assert not EHCPlan.objects.exists()


def test_the_senco_records_a_phase_transfer_and_its_15_february_deadline_shows(world):
    from datetime import date

    plan = services.ehc_plan_issue(
        pupil=world.ben,
        issue_date=timezone.localdate() - timedelta(days=30),
        by=world.users["senco"],
    )
    client = _client(world, "senco")
    year = timezone.localdate().year + 1
    response = client.post(
        reverse("ehc_transfer_add", args=[plan.pk]),
        {"kind": "primary_secondary", **_date("transfer_date", date(year, 9, 1)),
         "named_setting": "Ash Secondary"},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(reverse("ehc_plan", args=[plan.pk])).content.decode()
    assert "Phase transfer: Primary to secondary school" in page
    assert f"15 February {year}" in page
    bad = client.post(
        reverse("ehc_transfer_add", args=[plan.pk]),
        {"kind": "primary_secondary", **_date("transfer_date", date(year, 9, 1)),
         **_date("final_date", timezone.localdate())},
    )  # fmt: skip
    assert "names the new setting" in bad.content.decode()
    assert plan.transfers.count() == 1
